using Apollo.Compiler.Evaluation;
using Apollo.Compiler.Workloads;
using Apollo.Search.Objective;
using Apollo.Simulator.Area;
using Apollo.Simulator.Energy;
using Apollo.Simulator.Template;
using Apollo.Testing;

namespace Apollo.Search.Tests.Objective;

/// <summary>
/// The workload weights of the reward (DESIGN §6): reward = exp(Σ w_i ln s_i / Σ w_i), where s_i is
/// workload i's throughput per mm² over the baseline's. Synthetic evaluations make every number
/// derivable by hand.
/// </summary>
public sealed class RewardFunctionTests
{
    // Baseline: 10 mm², 100/s on "a" and 50/s on "b" → 10 and 5 per mm².
    private static readonly DesignEvaluation Baseline = Evaluation(10, ("a", 100), ("b", 50));

    // Design: 5 mm², 100/s on "a" (20 per mm², speedup 2) and 200/s on "b" (40 per mm², speedup 8).
    private static readonly DesignEvaluation Design = Evaluation(5, ("a", 100), ("b", 200));

    [Fact]
    public void The_baseline_scores_exactly_one_whatever_the_weights()
    {
        Assert.Equal(1.0, new RewardFunction(Baseline).Reward(Baseline));
        Assert.Equal(1.0, new RewardFunction(Baseline, Weights(("a", 3), ("b", 0.25))).Reward(Baseline));
    }

    [Fact]
    public void Without_weights_the_reward_is_the_plain_geometric_mean()
    {
        // √(2 · 8) = 4.
        Assert.Equal(4.0, new RewardFunction(Baseline).Reward(Design), 12);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(0.1)]
    public void Equal_weights_equal_the_plain_geometric_mean(double weight)
    {
        Assert.Equal(4.0, new RewardFunction(Baseline, Weights(("a", weight), ("b", weight))).Reward(Design), 12);
    }

    [Fact]
    public void Weights_move_the_reward_towards_the_heavier_workload()
    {
        // w = (3, 1): exp((3 ln 2 + ln 8) / 4) = 2^(6/4) = 2^1.5; w = (1, 3): 2^((1 + 9) / 4) = 2^2.5.
        Assert.Equal(Math.Pow(2, 1.5), new RewardFunction(Baseline, Weights(("a", 3), ("b", 1))).Reward(Design), 12);
        Assert.Equal(Math.Pow(2, 2.5), new RewardFunction(Baseline, Weights(("a", 1), ("b", 3))).Reward(Design), 12);
    }

    [Fact]
    public void Only_relative_weights_matter()
    {
        var small = new RewardFunction(Baseline, Weights(("a", 0.3), ("b", 0.1))).Reward(Design);
        var large = new RewardFunction(Baseline, Weights(("a", 30), ("b", 10))).Reward(Design);
        Assert.Equal(small, large, 12);
    }

    [Fact]
    public void A_workload_without_a_weight_weighs_one()
    {
        var partial = new RewardFunction(Baseline, Weights(("a", 3))).Reward(Design);
        Assert.Equal(Math.Pow(2, 1.5), partial, 12);
    }

    [Fact]
    public void Speedups_report_each_workload_with_its_weight()
    {
        var speedups = new RewardFunction(Baseline, Weights(("b", 2))).Speedups(Design);
        Assert.Equal(["a", "b"], speedups.Select(s => s.Workload));
        Assert.Equal(2.0, speedups[0].Speedup, 12);
        Assert.Equal(8.0, speedups[1].Speedup, 12);
        Assert.Equal([1.0, 2.0], speedups.Select(s => s.Weight));
    }

    [Fact]
    public void The_reward_is_throughput_per_area_so_half_the_area_doubles_it()
    {
        var reward = new RewardFunction(Baseline, Weights(("a", 2), ("b", 1)));
        var sameThroughputHalfArea = Evaluation(2.5, ("a", 100), ("b", 200));
        Assert.Equal(2 * reward.Reward(Design), reward.Reward(sameThroughputHalfArea), 12);
    }

    [Fact]
    public void Design_objective_applies_the_weights_to_real_evaluations()
    {
        // The weighted reward of a real design equals the formula over the speedups it reports, and
        // the baseline still scores 1 with weights.
        var workloads = WorkloadCatalog.Load(RepositoryPaths.Config("workloads")).Resolve(["mobilenet_v2", "resnet50"]);
        var evaluator = new DesignEvaluator(ReferenceLayers.Technology, workloads);
        var weights = Weights(("mobilenet_v2", 3), ("resnet50", 1));
        var objective = new DesignObjective(evaluator, ReferenceLayers.Baseline, areaBudgetMm2: null, weights);
        Assert.Equal(1.0, objective.Score(ReferenceLayers.Baseline).Reward);

        var bigger = ReferenceLayers.Baseline with { Cores = ReferenceLayers.Baseline.Cores * 2 };
        var scored = objective.Score(bigger);
        Assert.True(scored.Evaluation.IsFeasible, scored.Evaluation.Infeasible?.Message);
        var expected = Math.Exp(scored.Speedups.Sum(s => s.Weight * Math.Log(s.Speedup)) / scored.Speedups.Sum(s => s.Weight));
        Assert.Equal(expected, scored.Reward, 12);
        Assert.Equal([3.0, 1.0], scored.Speedups.Select(s => s.Weight));
        Assert.NotEqual(scored.Speedups[0].Speedup, scored.Speedups[1].Speedup); // so the weights matter here
        var unweighted = new DesignObjective(evaluator, ReferenceLayers.Baseline, areaBudgetMm2: null).Score(bigger).Reward;
        Assert.Equal(scored.Speedups[0].Speedup > scored.Speedups[1].Speedup, scored.Reward > unweighted);
    }

    // Energy plays no part in the reward.
    private static readonly WorkloadEnergy NoEnergy = new(new EnergyBreakdown(0, 0, 0, 0, 0, 0, 0, 0), []);

    private static Dictionary<string, double> Weights(params (string Workload, double Weight)[] weights) =>
        weights.ToDictionary(w => w.Workload, w => w.Weight, StringComparer.Ordinal);

    /// <summary>A feasible evaluation with the given chip area and per-workload throughputs; everything else is irrelevant to the reward.</summary>
    private static DesignEvaluation Evaluation(double areaMm2, params (string Workload, double Throughput)[] workloads) =>
        new(
            new AcceleratorConfig(1, 1, 1, 1, 1024, 1024, 64, 1024, 1024, 1),
            new AreaBreakdown([new AreaComponent("chip", areaMm2)]),
            workloads.Select(w => new WorkloadPerformance(w.Workload, false, 1000, 1 / w.Throughput, w.Throughput, 0, 0.5, [], NoEnergy)).ToList(),
            Infeasible: null);
}

/// <summary>Each objective's per-workload ratio, derived by hand from synthetic measures (DESIGN §6).</summary>
public sealed class ObjectiveKindTests
{
    // Baseline on "a": 10 ms, 4 mJ (so 0.4 W); design: 5 ms, 8 mJ (1.6 W); both 10 mm².
    private static readonly Apollo.Compiler.Evaluation.DesignEvaluation Baseline = Evaluation(0.010, 0.004);

    [Theory]
    [InlineData(ObjectiveKind.Latency, 2.0)]            // 10 / 5
    [InlineData(ObjectiveKind.Energy, 0.5)]             // 4 / 8
    [InlineData(ObjectiveKind.ThroughputPerWatt, 0.5)]  // (200/1.6) / (100/0.4) = 125 / 250
    [InlineData(ObjectiveKind.Edp, 1.0)]                // (4·10) / (8·5)
    [InlineData(ObjectiveKind.ThroughputPerArea, 2.0)]  // same area, twice the throughput
    public void The_ratio_to_the_baseline_is_the_objectives_and_the_baseline_scores_one(ObjectiveKind kind, double expected)
    {
        var reward = new RewardFunction(Baseline, null, kind);
        Assert.Equal(1.0, reward.Reward(Baseline));
        Assert.Equal(expected, reward.Reward(Evaluation(0.005, 0.008)), 12);
    }

    [Fact]
    public void A_told_result_without_energy_cannot_be_scored_by_an_energy_objective()
    {
        var reward = new RewardFunction(Baseline, null, ObjectiveKind.Energy);
        var e = Assert.Throws<ArgumentException>(() => reward.Speedups(10, [new WorkloadMeasure("a", 200, 0.005, null, null)]));
        Assert.Contains("energy_j", e.Message, StringComparison.Ordinal);
    }

    private static Apollo.Compiler.Evaluation.DesignEvaluation Evaluation(double latency, double joules) =>
        new(
            new AcceleratorConfig(1, 1, 1, 1, 1024, 1024, 64, 1024, 1024, 1),
            new AreaBreakdown([new AreaComponent("chip", 10)]),
            [new Apollo.Compiler.Evaluation.WorkloadPerformance("a", false, 1000, latency, 1 / latency, 0, 0.5, [], new WorkloadEnergy(new EnergyBreakdown(joules, 0, 0, 0, 0, 0, 0, 0), []))],
            Infeasible: null);
}
