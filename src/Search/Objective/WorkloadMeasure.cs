namespace Apollo.Search.Objective;

/// <summary>
/// What an objective reads of one workload on one design point: throughput (1/latency at batch 1), latency, and,
/// when the evaluator reports them, energy per inference and average power. From the built-in model or a told result.
/// </summary>
public sealed record WorkloadMeasure(string Workload, double ThroughputPerSecond, double LatencySeconds, double? EnergyJoules, double? PowerWatts)
{
    public static WorkloadMeasure Of(Apollo.Compiler.Evaluation.WorkloadPerformance w) =>
        new(w.Workload, w.ThroughputPerSecond, w.LatencySeconds, w.EnergyJoules, w.PowerWatts);
}
