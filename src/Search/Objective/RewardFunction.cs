using Apollo.Compiler.Evaluation;

namespace Apollo.Search.Objective;

/// <summary>Speedup of one workload's throughput per mm² over the baseline accelerator.</summary>
public sealed record WorkloadSpeedup(string Workload, double Speedup, double Weight);

/// <summary>
/// The reward of DESIGN §6: 0 for an infeasible point (over the area budget or not compilable);
/// otherwise the weighted geometric mean over workloads of
/// (throughput_w(x) / area(x)) / (throughput_w(baseline) / area(baseline)). The baseline scores exactly 1.
/// </summary>
public sealed class RewardFunction
{
    private readonly ThroughputPerArea _perArea;

    /// <param name="baseline">The baseline evaluated on the same workloads, without an area budget.</param>
    /// <exception cref="InvalidOperationException">The baseline is infeasible, so no reward can be defined.</exception>
    /// <param name="weights">Per-workload weights; missing workloads weigh 1.</param>
    public RewardFunction(DesignEvaluation baseline, IReadOnlyDictionary<string, double>? weights = null)
    {
        if (!baseline.IsFeasible)
        {
            throw new InvalidOperationException($"the baseline accelerator is infeasible on these workloads: {baseline.Infeasible!.Message}");
        }

        Baseline = baseline;
        _perArea = new ThroughputPerArea(baseline.Area.TotalMm2, Throughputs(baseline), weights);
    }

    public DesignEvaluation Baseline { get; }

    /// <summary>Per-workload speedups of a feasible evaluation, in workload order.</summary>
    public IReadOnlyList<WorkloadSpeedup> Speedups(DesignEvaluation evaluation) =>
        evaluation.IsFeasible ? _perArea.Speedups(evaluation.Area.TotalMm2, Throughputs(evaluation)) : [];

    /// <summary>
    /// Per-workload speedups of a feasible point measured elsewhere (<c>apollo tell</c>): its area and each workload's
    /// throughput, in workload order. The same arithmetic as for an evaluation, so the same numbers give the same bits.
    /// </summary>
    /// <exception cref="ArgumentException">A workload the baseline was not evaluated on.</exception>
    public IReadOnlyList<WorkloadSpeedup> Speedups(double areaMm2, IReadOnlyList<(string Workload, double ThroughputPerSecond)> throughputs) =>
        _perArea.Speedups(areaMm2, throughputs.Select(w => new WorkloadThroughput(w.Workload, w.ThroughputPerSecond)));

    public double Reward(DesignEvaluation evaluation) =>
        evaluation.IsFeasible ? ThroughputPerArea.Reward(Speedups(evaluation)) : 0;

    /// <summary>The weighted geometric mean of <paramref name="speedups"/>, in their order (<see cref="ThroughputPerArea.Reward"/>).</summary>
    public static double Reward(IReadOnlyList<WorkloadSpeedup> speedups) => ThroughputPerArea.Reward(speedups);

    private static IEnumerable<WorkloadThroughput> Throughputs(DesignEvaluation evaluation) =>
        evaluation.Workloads.Select(w => new WorkloadThroughput(w.Workload, w.ThroughputPerSecond));
}
