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
    private readonly Dictionary<string, double> _baselinePerArea;
    private readonly IReadOnlyDictionary<string, double> _weights;

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
        _weights = weights ?? new Dictionary<string, double>();
        _baselinePerArea = baseline.Workloads.ToDictionary(w => w.Workload, w => w.ThroughputPerSecond / baseline.Area.TotalMm2, StringComparer.Ordinal);
    }

    public DesignEvaluation Baseline { get; }

    /// <summary>Per-workload speedups of a feasible evaluation, in workload order.</summary>
    public IReadOnlyList<WorkloadSpeedup> Speedups(DesignEvaluation evaluation)
    {
        if (!evaluation.IsFeasible)
        {
            return [];
        }

        return Speedups(evaluation.Area.TotalMm2, evaluation.Workloads.Select(w => (w.Workload, w.ThroughputPerSecond)).ToList());
    }

    /// <summary>
    /// Per-workload speedups of a feasible point measured elsewhere (<c>apollo tell</c>): its area and each workload's
    /// throughput, in workload order. The same arithmetic as for an evaluation, so the same numbers give the same bits.
    /// </summary>
    /// <exception cref="ArgumentException">A workload the baseline was not evaluated on.</exception>
    public IReadOnlyList<WorkloadSpeedup> Speedups(double areaMm2, IReadOnlyList<(string Workload, double ThroughputPerSecond)> throughputs) =>
        throughputs
            .Select(w => new WorkloadSpeedup(
                w.Workload,
                w.ThroughputPerSecond / areaMm2 / BaselinePerArea(w.Workload),
                _weights.GetValueOrDefault(w.Workload, 1.0)))
            .ToList();

    public double Reward(DesignEvaluation evaluation)
    {
        if (!evaluation.IsFeasible)
        {
            return 0;
        }

        return Reward(Speedups(evaluation));
    }

    /// <summary>The weighted geometric mean of <paramref name="speedups"/> (from <see cref="Speedups(double, IReadOnlyList{ValueTuple{string, double}})"/>), in their order.</summary>
    public static double Reward(IReadOnlyList<WorkloadSpeedup> speedups)
    {
        // Sum in workload order so the result is bit-for-bit reproducible.
        double logSum = 0, weightSum = 0;
        foreach (var s in speedups)
        {
            logSum += s.Weight * Math.Log(s.Speedup);
            weightSum += s.Weight;
        }

        return Math.Exp(logSum / weightSum);
    }

    private double BaselinePerArea(string workload) =>
        _baselinePerArea.TryGetValue(workload, out var v)
            ? v
            : throw new ArgumentException($"workload '{workload}' was not evaluated on the baseline");
}
