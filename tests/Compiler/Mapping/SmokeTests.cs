using Apollo.Compiler.Evaluation;
using Apollo.Testing;
using Xunit.Abstractions;

namespace Apollo.Compiler.Tests.Mapping;

public sealed class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public void Baseline_compiles_the_reference_layers()
    {
        var evaluator = new DesignEvaluator(ReferenceLayers.Technology, [ReferenceLayers.MiniNetwork]);
        var result = evaluator.Evaluate(ReferenceLayers.Baseline, 6.8);
        output.WriteLine($"area {result.Area.TotalMm2}");
        foreach (var c in result.Area.Components)
        {
            output.WriteLine($"  {c.Name} {c.Mm2:F3}");
        }

        output.WriteLine(result.Infeasible?.Message ?? "feasible");
        foreach (var w in result.Workloads)
        {
            output.WriteLine($"{w.Workload} {w.Cycles} {w.LatencySeconds * 1e3:F3} ms util {w.Utilization:F3}");
            foreach (var l in w.Layers)
            {
                output.WriteLine($"  {l.Name} {l.Timing} {l.Spatial} {l.Temporal}");
            }
        }

        Assert.True(result.IsFeasible);
    }
}
