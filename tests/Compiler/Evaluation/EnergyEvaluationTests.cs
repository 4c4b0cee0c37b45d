using Apollo.Compiler.Evaluation;
using Apollo.Compiler.Workloads;
using Apollo.Testing;

namespace Apollo.Compiler.Tests.Evaluation;

/// <summary>Energy per inference and average power of whole networks (docs/model.md, "Energy").</summary>
public sealed class EnergyEvaluationTests
{
    private static readonly IReadOnlyList<Workload> Shipped =
        WorkloadCatalog.Load(RepositoryPaths.Config("workloads")).ResolveSet(WorkloadCatalog.AllSet);

    private static readonly DesignEvaluation Baseline = new DesignEvaluator(ReferenceLayers.Technology, Shipped).Evaluate(ReferenceLayers.Baseline, null);

    public static TheoryData<string> Workloads => [.. Shipped.Select(w => w.Name)];

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Baseline_power_on_every_shipped_workload_lies_in_a_sane_band(string workload)
    {
        // Band 0.1–10 W: the floor is leakage alone (0.02 W/mm² x 6.44 mm² = 0.13 W, paid even by a network that
        // only waits for DRAM); the ceiling is every MAC busy at ≈0.8 pJ per MAC of operand traffic
        // (16,384 x 0.5 GHz x 0.8 pJ ≈ 6.6 W) plus the 20 GB/s link at 36 pJ/B (0.72 W) plus leakage, ≈7.5 W.
        var w = Assert.Single(Baseline.Workloads, p => p.Workload == workload);
        Assert.True(double.IsFinite(w.EnergyJoules) && w.EnergyJoules > 0, $"energy {w.EnergyJoules} J");
        Assert.InRange(w.PowerWatts, 0.1, 10);
        Assert.Equal(w.EnergyJoules / w.LatencySeconds, w.PowerWatts, 12);
        Assert.Equal(w.Layers.Count, w.Energy.LayerJoules.Count);
        Assert.All(w.Energy.LayerJoules, j => Assert.True(double.IsFinite(j) && j > 0));

        // Energy is at least the MACs' own energy and the DRAM traffic's; the layers' runs add up to the network
        // (both include leakage over the same cycles: the network's latency is the sum of its layers' here).
        var macs = w.Layers.Sum(l => (double)l.Shape.Macs * l.Repeat);
        var t = ReferenceLayers.Technology.Energy;
        Assert.True(w.EnergyJoules >= (macs * t.MacPj * 1e-12) + (w.DramBytes * 8 * t.DramPjPerBit * 1e-12));
        // Beyond its layers' runs, the network pays leakage over the rest of its latency and the link for the
        // rest of its DRAM bytes (fixed costs; both 0 while latency and DRAM bytes are sums over layers).
        var layerSeconds = w.Layers.Sum(l => l.Repeat * l.Timing.TotalCycles) / 0.5e9;
        var layerDram = w.Layers.Sum(l => (double)l.Repeat * l.Timing.DramBytes);
        var hops = 1 + ((ReferenceLayers.Baseline.PeX - 1 + ReferenceLayers.Baseline.PeY - 1) / 2.0);
        var fixedCosts = (t.LeakageWattsPerMm2 * Baseline.Area.TotalMm2 * (w.LatencySeconds - layerSeconds))
            + ((w.DramBytes - layerDram) * ((8 * t.DramPjPerBit) + (hops * t.NocPjPerByteHop)) * 1e-12);
        Assert.Equal(w.EnergyJoules, w.Layers.Select((l, i) => l.Repeat * w.Energy.LayerJoules[i]).Sum() + fixedCosts, w.EnergyJoules * 1e-9);
    }

    [Fact]
    public void Baseline_at_full_load_is_a_2_tops_per_watt_class_part()
    {
        // A compute-bound 3x3 convolution (256 -> 256 channels at 56x56, 1.85 G MACs) keeps the baseline's
        // 16,384 MACs nearly all busy: its weights (590 KB) stream in ≈14,700 cycles against ≈113,000 compute
        // cycles. Efficiency = 2 ops per MAC / energy per MAC, with DRAM, NoC and leakage included. The Edge TPU
        // publishes 2 TOPS/W (4 TOPS at 2 W); the model should be in that class, not 10x off either way.
        var layer = ReferenceLayers.Conv("conv3x3", 56, 56, 256, 256, 3, 1);
        var workload = new Workload("dense", "classification", "", "<memory>", [layer], new PublishedFigures(1, 1, "", ""));
        // Full load is the layer's own run: the network around it adds the invocation and its input and output
        // crossing the link (model 2's fixed costs), during which the MACs idle.
        var w = new DesignEvaluator(ReferenceLayers.Technology, [workload]).Evaluate(ReferenceLayers.Baseline, null).Workloads[0];
        var run = w.Layers[0];
        Assert.True(run.Timing.Utilization > 0.8, $"utilization {run.Timing.Utilization}");
        var topsPerWatt = 2.0 * layer.Shape.Macs / w.Energy.LayerJoules[0] / 1e12;
        Assert.InRange(topsPerWatt, 1.5, 3.5);
    }
}
