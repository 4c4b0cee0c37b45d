using Apollo.Compiler.Evaluation;
using Apollo.Search.MultiObjective;
using Apollo.Search.Storage;

namespace Apollo.Search.Objective;

/// <summary>
/// The objective vector of a multi-objective study. Each metric's value (in its unit, <see cref="ParetoObjective.Value"/>)
/// is divided by the baseline's, so the baseline sits at 1 in every objective; the hypervolume's reference point is
/// each objective's <see cref="ParetoObjective.Reference"/> in those units (default twice the baseline's value for a
/// minimized metric). Optimizers are told the vector shifted so that the reference is the origin and every entry is
/// maximized: <c>reference − v</c> for a minimized metric, <c>v − reference</c> for a maximized one. Their
/// hypervolume against the origin is then the study's (<see cref="Hypervolume"/>), and dominance is unchanged.
/// </summary>
public sealed class ParetoScoring
{
    private readonly IReadOnlyDictionary<string, double> _weights;

    /// <param name="objectives">Two or three objectives.</param>
    /// <param name="baseline">The baseline evaluated on the study's workloads (feasible).</param>
    /// <param name="weights">Per-workload weights; missing workloads weigh 1.</param>
    public ParetoScoring(IReadOnlyList<ParetoObjective> objectives, DesignEvaluation baseline, IReadOnlyDictionary<string, double> weights)
    {
        Objectives = objectives;
        _weights = weights;
        var metrics = baseline.Workloads.Select(w => new WorkloadMetric(w.Workload, w.LatencySeconds, w.ThroughputPerSecond, 1.0, w.EnergyJoules, w.PowerWatts)).ToList();
        BaselineValues = objectives.Select(o => o.Value(baseline.Area.TotalMm2, metrics, weights)).ToList();
    }

    public IReadOnlyList<ParetoObjective> Objectives { get; }

    /// <summary>The baseline's value of each objective, in its unit.</summary>
    public IReadOnlyList<double> BaselineValues { get; }

    /// <summary>The objectives as the store keeps them.</summary>
    public IReadOnlyList<StoredObjective> Stored => Objectives.Select((o, i) => new StoredObjective(o.Name, o.Direction, o.Unit, BaselineValues[i], o.Reference)).ToList();

    /// <summary>A completed trial's value of each objective, in its unit.</summary>
    public IReadOnlyList<double> Values(TrialOutcome.Completed completed) =>
        Objectives.Select(o => o.Value(completed.AreaMm2, completed.Metrics, _weights)).ToList();

    /// <summary>The maximized vector with the reference at the origin, from values in their units.</summary>
    public IReadOnlyList<double> Vector(IReadOnlyList<double> values) => Shifted(Stored, values);

    /// <summary>The shift of <see cref="Vector"/> for stored objectives (a read command has no baseline evaluation).</summary>
    public static IReadOnlyList<double> Shifted(IReadOnlyList<StoredObjective> objectives, IReadOnlyList<double> values) =>
        objectives.Select((o, i) => o.Minimize ? o.Reference - values[i] / o.Baseline : values[i] / o.Baseline - o.Reference).ToList();

    /// <summary>The dominated hypervolume of <paramref name="values"/> (each in its objectives' units), in baseline units, against the reference.</summary>
    public static double HypervolumeOf(IReadOnlyList<StoredObjective> objectives, IEnumerable<IReadOnlyList<double>> values) =>
        Hypervolume.Of(values.Select(v => Shifted(objectives, v)).ToList(), new double[objectives.Count]);
}
