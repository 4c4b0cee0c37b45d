using Apollo.Compiler.Evaluation;

namespace Apollo.Search.Objective;

/// <summary>Ratio of one workload's objective to the baseline's (larger better, the baseline 1): a speedup for the default objective.</summary>
public sealed record WorkloadSpeedup(string Workload, double Speedup, double Weight);

/// <summary>
/// The reward of DESIGN §6: 0 for an infeasible point (over a budget or not compilable); otherwise the weighted
/// geometric mean over workloads of the objective's ratio to the baseline (<see cref="ObjectiveKind"/>); for the
/// default, (throughput_w(x) / area(x)) / (throughput_w(baseline) / area(baseline)). The baseline scores exactly 1.
/// </summary>
public sealed class RewardFunction
{
    private readonly ThroughputPerArea _perArea;
    private readonly Dictionary<string, WorkloadMeasure> _baseline;
    private readonly IReadOnlyDictionary<string, double> _weights;

    /// <param name="baseline">The baseline evaluated on the same workloads, without an area budget.</param>
    /// <param name="weights">Per-workload weights; missing workloads weigh 1.</param>
    /// <param name="kind">The objective; the default is the Apollo study's throughput per area.</param>
    /// <exception cref="InvalidOperationException">The baseline is infeasible, so no reward can be defined.</exception>
    public RewardFunction(DesignEvaluation baseline, IReadOnlyDictionary<string, double>? weights = null, ObjectiveKind kind = ObjectiveKind.ThroughputPerArea)
    {
        if (!baseline.IsFeasible)
        {
            throw new InvalidOperationException($"the baseline accelerator is infeasible on these workloads: {baseline.Infeasible!.Message}");
        }

        Baseline = baseline;
        Kind = kind;
        _weights = weights ?? new Dictionary<string, double>();
        _perArea = new ThroughputPerArea(baseline.Area.TotalMm2, Throughputs(baseline), weights);
        // The default reads throughput and area only, so it never touches energy (which a synthetic evaluation may lack).
        _baseline = kind == ObjectiveKind.ThroughputPerArea ? [] : baseline.Workloads.Select(WorkloadMeasure.Of).ToDictionary(w => w.Workload, StringComparer.Ordinal);
    }

    public DesignEvaluation Baseline { get; }

    public ObjectiveKind Kind { get; }

    /// <summary>Per-workload ratios of a feasible evaluation, in workload order.</summary>
    public IReadOnlyList<WorkloadSpeedup> Speedups(DesignEvaluation evaluation) =>
        !evaluation.IsFeasible ? []
        : Kind == ObjectiveKind.ThroughputPerArea ? _perArea.Speedups(evaluation.Area.TotalMm2, Throughputs(evaluation))
        : Speedups(evaluation.Area.TotalMm2, evaluation.Workloads.Select(WorkloadMeasure.Of).ToList());

    /// <summary>
    /// Per-workload ratios of a feasible point measured elsewhere (<c>apollo tell</c>): its area and each workload's
    /// measures, in workload order. The same arithmetic as for an evaluation, so the same numbers give the same bits.
    /// </summary>
    /// <exception cref="ArgumentException">A workload the baseline was not evaluated on, or energy or power missing
    /// where the objective needs it.</exception>
    public IReadOnlyList<WorkloadSpeedup> Speedups(double areaMm2, IReadOnlyList<WorkloadMeasure> measures) =>
        Kind == ObjectiveKind.ThroughputPerArea
            ? _perArea.Speedups(areaMm2, measures.Select(w => new WorkloadThroughput(w.Workload, w.ThroughputPerSecond)))
            : measures.Select(m => new WorkloadSpeedup(m.Workload, Ratio(m, BaselineOf(m.Workload)), _weights.GetValueOrDefault(m.Workload, 1.0))).ToList();

    public double Reward(DesignEvaluation evaluation) =>
        evaluation.IsFeasible ? ThroughputPerArea.Reward(Speedups(evaluation)) : 0;

    /// <summary>The weighted geometric mean of <paramref name="speedups"/>, in their order (<see cref="ThroughputPerArea.Reward"/>).</summary>
    public static double Reward(IReadOnlyList<WorkloadSpeedup> speedups) => ThroughputPerArea.Reward(speedups);

    private double Ratio(WorkloadMeasure x, WorkloadMeasure b) => Kind switch
    {
        ObjectiveKind.Latency => b.LatencySeconds / x.LatencySeconds,
        ObjectiveKind.Energy => Energy(b) / Energy(x),
        ObjectiveKind.ThroughputPerWatt => x.ThroughputPerSecond / Power(x) / (b.ThroughputPerSecond / Power(b)),
        ObjectiveKind.Edp => Energy(b) * b.LatencySeconds / (Energy(x) * x.LatencySeconds),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown objective."),
    };

    private double Energy(WorkloadMeasure m) =>
        m.EnergyJoules ?? throw new ArgumentException($"the objective {Kind.Text()} needs the energy per inference of workload '{m.Workload}' (energy_j), which the result lacks");

    private double Power(WorkloadMeasure m) =>
        m.PowerWatts ?? throw new ArgumentException($"the objective {Kind.Text()} needs the average power of workload '{m.Workload}' (power_w), which the result lacks");

    private WorkloadMeasure BaselineOf(string workload) =>
        _baseline.TryGetValue(workload, out var b) ? b : throw new ArgumentException($"workload '{workload}' was not evaluated on the baseline");

    private static IEnumerable<WorkloadThroughput> Throughputs(DesignEvaluation evaluation) =>
        evaluation.Workloads.Select(w => new WorkloadThroughput(w.Workload, w.ThroughputPerSecond));
}
