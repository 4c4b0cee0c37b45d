namespace Apollo.Search.Objective;

/// <summary>Throughput of one workload on one design point, in inferences per second (1 / latency at batch 1).</summary>
public sealed record WorkloadThroughput(string Workload, double ThroughputPerSecond);

/// <summary>
/// The arithmetic of the default objective (DESIGN §6), apart from where the numbers come from: speedup
/// s_w = (throughput_w(x) / area(x)) / (throughput_w(baseline) / area(baseline)) and the weighted geometric mean
/// of the speedups. <see cref="RewardFunction"/> (the built-in model) and the external evaluators both score
/// through it, so the same numbers give the same reward bit for bit.
/// </summary>
public sealed class ThroughputPerArea
{
    private readonly Dictionary<string, double> _baselinePerArea;
    private readonly IReadOnlyDictionary<string, double> _weights;

    /// <param name="baselineAreaMm2">Area of the baseline.</param>
    /// <param name="baseline">The baseline's throughput on every workload.</param>
    /// <param name="weights">Per-workload weights; missing workloads weigh 1.</param>
    public ThroughputPerArea(double baselineAreaMm2, IEnumerable<WorkloadThroughput> baseline, IReadOnlyDictionary<string, double>? weights)
    {
        _weights = weights ?? new Dictionary<string, double>();
        _baselinePerArea = baseline.ToDictionary(w => w.Workload, w => w.ThroughputPerSecond / baselineAreaMm2, StringComparer.Ordinal);
    }

    /// <summary>Per-workload speedups of a feasible point, in the order of <paramref name="workloads"/>.</summary>
    /// <exception cref="ArgumentException">A workload the baseline was not evaluated on.</exception>
    public IReadOnlyList<WorkloadSpeedup> Speedups(double areaMm2, IEnumerable<WorkloadThroughput> workloads) =>
        workloads
            .Select(w => new WorkloadSpeedup(
                w.Workload,
                w.ThroughputPerSecond / areaMm2 / BaselinePerArea(w.Workload),
                _weights.GetValueOrDefault(w.Workload, 1.0)))
            .ToList();

    /// <summary>The weighted geometric mean of <paramref name="speedups"/>.</summary>
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
