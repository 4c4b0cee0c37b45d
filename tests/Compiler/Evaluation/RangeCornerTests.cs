using Apollo.Compiler.Evaluation;
using Apollo.Compiler.Workloads;
using Apollo.Simulator.Template;
using Apollo.Testing;

namespace Apollo.Compiler.Tests.Evaluation;

/// <summary>
/// The corners of the ranges the configuration files accept (TemplateParameters.Range, WorkloadLimits) must
/// evaluate to a verdict, never to an exception, an overflowed count or a non-finite latency.
/// </summary>
public sealed class RangeCornerTests
{
    private static readonly AcceleratorConfig Smallest = Corner(p => TemplateParameters.Range(p).Min);

    private static readonly AcceleratorConfig Largest = Corner(p => TemplateParameters.Range(p).Max);

    public static TheoryData<string> Designs => ["smallest", "largest", "baseline"];

    [Theory]
    [MemberData(nameof(Designs))]
    public void Shipped_workloads_at_the_corners_give_a_verdict(string design)
    {
        var workloads = WorkloadCatalog.Load(RepositoryPaths.Config("workloads")).ResolveSet(WorkloadCatalog.AllSet);
        AssertVerdict(new DesignEvaluator(ReferenceLayers.Technology, workloads).Evaluate(Design(design), null));
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void The_largest_allowed_layer_gives_a_verdict(string design)
    {
        // 2^14·2^14 output pixels · 2^11 · 2^11 channels = 2^50 MACs: exactly the per-layer limit.
        var shape = new LayerShape(LayerOp.Conv2d, 1, 2048, 2048, 16384, 16384, 1, 1, 1, 1, 1, 1, 16384, 16384);
        Assert.Equal(WorkloadLimits.MaxLayerOperations, shape.Macs);
        var workload = new Workload("huge", "classification", "", "huge.yaml", [new Layer("big", shape)], new PublishedFigures(1, 1, "", ""));
        AssertVerdict(new DesignEvaluator(ReferenceLayers.Technology, [workload]).Evaluate(Design(design), null));
    }

    private static AcceleratorConfig Design(string name) => name switch
    {
        "smallest" => Smallest,
        "largest" => Largest,
        _ => ReferenceLayers.Baseline,
    };

    private static void AssertVerdict(DesignEvaluation evaluation)
    {
        Assert.True(double.IsFinite(evaluation.Area.TotalMm2) && evaluation.Area.TotalMm2 > 0);
        foreach (var w in evaluation.Workloads)
        {
            Assert.True(w.Cycles > 0, $"{w.Workload}: {w.Cycles} cycles");
            Assert.True(double.IsFinite(w.LatencySeconds) && w.LatencySeconds > 0, $"{w.Workload}: latency {w.LatencySeconds}");
            Assert.True(w.DramBytes >= 0, $"{w.Workload}: {w.DramBytes} DRAM bytes");
            Assert.True(double.IsFinite(w.EnergyJoules) && w.EnergyJoules > 0, $"{w.Workload}: energy {w.EnergyJoules} J");
            Assert.True(double.IsFinite(w.PowerWatts) && w.PowerWatts > 0, $"{w.Workload}: power {w.PowerWatts} W");
        }
    }

    private static AcceleratorConfig Corner(Func<string, double> value) =>
        AcceleratorConfig.FromParameters(TemplateParameters.Names.ToDictionary(p => p, value), (f, m) => new InvalidOperationException($"{f}: {m}"));
}
