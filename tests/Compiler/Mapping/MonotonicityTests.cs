using System.Globalization;
using Apollo.Compiler.Evaluation;
using Apollo.Compiler.Workloads;
using Apollo.Simulator.Template;
using Apollo.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Apollo.Compiler.Tests.Mapping;

/// <summary>
/// DESIGN §4's invariant: one grid step up in any parameter never makes a layer slower nor a feasible
/// workload infeasible, because the bigger design can run the smaller one's mapping with units idle.
/// </summary>
public sealed class MonotonicityTests
{
    private static readonly IReadOnlyList<Workload> AllWorkloads =
        WorkloadCatalog.Load(RepositoryPaths.Config("workloads")).ResolveSet(WorkloadCatalog.AllSet);

    // One evaluator per network, so that one network's infeasibility does not hide another's layers.
    private static readonly DesignEvaluator[] Evaluators =
        [.. AllWorkloads.Select(w => new DesignEvaluator(ReferenceLayers.Technology, [w]))];

    /// <summary>The first violation of the invariant between a point and its grown neighbour, or null.</summary>
    private static string? Violation(AcceleratorConfig small, AcceleratorConfig big)
    {
        foreach (var evaluator in Evaluators)
        {
            var before = evaluator.Evaluate(small, null);
            if (!before.IsFeasible)
            {
                continue;
            }

            var after = evaluator.Evaluate(big, null);
            var name = evaluator.Workloads[0].Name;
            if (!after.IsFeasible)
            {
                return $"{name} becomes infeasible: {after.Infeasible!.Message}";
            }

            var b = before.Workloads[0].Layers;
            var a = after.Workloads[0].Layers;
            for (var i = 0; i < b.Count; i++)
            {
                if (a[i].Timing.TotalCycles > b[i].Timing.TotalCycles)
                {
                    return string.Create(CultureInfo.InvariantCulture,
                        $"{name} layer {b[i].Name}: {b[i].Timing.TotalCycles} -> {a[i].Timing.TotalCycles} cycles");
                }
            }
        }

        return null;
    }

    // Every parameter stepped up once per random point: up to 10 neighbours x 11 networks per case; 200 cases
    // take ~30 s on the 2-core VM (100 took 14 s at load average 5).
    [Property(MaxTest = 200)]
    public Property One_grid_step_up_in_any_parameter_never_slows_a_layer_nor_breaks_feasibility() =>
        Prop.ForAll(DesignGenerators.Config.ToArbitrary(), config =>
        {
            foreach (var parameter in TemplateParameters.Names)
            {
                if (DesignGenerators.Grow(config, parameter) is { } grown && Violation(config, grown) is { } v)
                {
                    return false.Label($"{parameter} up: {v}");
                }
            }

            return true.ToProperty();
        });

    private static AcceleratorConfig Point(int peX, int peY, int lanes, int cores, long pe, long core, int instr, long param, long act, double io) =>
        new(peX, peY, lanes, cores, pe, core, instr, param, act, io);

    private static Workload Network(string name) => AllWorkloads.First(w => w.Name == name);

    [Fact]
    public void More_cores_do_not_slow_unet_up2_conv1()
    {
        // Issue 8: cores 8 -> 10 made up2_conv1 10x slower (1.14 M -> 11.3 M cycles) when every core had to be used.
        var evaluator = new DesignEvaluator(ReferenceLayers.Technology, [Network("unet")]);
        var small = Point(4, 2, 128, 8, 524288, 16384, 256, 16384, 8192, 30);
        var before = evaluator.Evaluate(small, null).Workloads[0];
        var after = evaluator.Evaluate(small with { Cores = 10 }, null).Workloads[0];
        var layerBefore = before.Layers.First(l => l.Name == "up2_conv1").Timing.TotalCycles;
        var layerAfter = after.Layers.First(l => l.Name == "up2_conv1").Timing.TotalCycles;
        Assert.True(layerAfter <= layerBefore, $"up2_conv1: {layerBefore} -> {layerAfter}");
        Assert.True(after.Cycles <= before.Cycles, $"unet: {before.Cycles} -> {after.Cycles}");
    }

    [Fact]
    public void More_pe_columns_do_not_slow_deeplabv3()
    {
        // Issue 8: pe_x 4 -> 6 made DeepLabV3 5.0 -> 24.2 ms.
        var evaluator = new DesignEvaluator(ReferenceLayers.Technology, [Network("deeplabv3_mobilenet_v3_large")]);
        var small = Point(4, 6, 8, 12, 1048576, 4096, 256, 16384, 32768, 16);
        var before = evaluator.Evaluate(small, null);
        var after = evaluator.Evaluate(small with { PeX = 6 }, null);
        Assert.True(before.IsFeasible && after.IsFeasible);
        Assert.True(after.Workloads[0].Cycles <= before.Workloads[0].Cycles, $"{before.Workloads[0].Cycles} -> {after.Workloads[0].Cycles}");
        Assert.Null(Violation(small, small with { PeX = 6 }));
    }

    [Fact]
    public void More_lanes_do_not_make_a_feasible_point_infeasible()
    {
        // Issue 8: lanes 16 -> 32 turned this point infeasible.
        var small = Point(4, 1, 16, 4, 262144, 32768, 512, 8192, 2048, 10);
        var big = small with { Lanes = 32 };
        Assert.Null(Violation(small, big));
        foreach (var evaluator in Evaluators)
        {
            Assert.True(!evaluator.Evaluate(small, null).IsFeasible || evaluator.Evaluate(big, null).IsFeasible, evaluator.Workloads[0].Name);
        }
    }
}
