using Apollo.Compiler.Mapping;

namespace Apollo.Search.Objective;

/// <summary>A budget on a per-workload quantity: one number for every workload, or one per workload (a workload not named is unconstrained).</summary>
/// <param name="All">The budget of every workload not in <paramref name="PerWorkload"/>; null: none.</param>
/// <param name="PerWorkload">Budgets of named workloads.</param>
public sealed record WorkloadBudget(double? All, IReadOnlyDictionary<string, double> PerWorkload)
{
    public double? For(string workload) => PerWorkload.TryGetValue(workload, out var v) ? v : All;
}

/// <summary>
/// The constraints of DESIGN §6 that need an evaluated point (the area budget is checked a priori, before compiling):
/// the average power of every workload (W), per-workload latency (ms) and energy per inference (mJ). A violated one
/// makes the point infeasible at stage <c>constraint</c>, naming the metric, the workload, the measured number and
/// the budget. Checked in workload order, power before latency before energy; the first violation is the reason.
/// </summary>
public sealed record DesignConstraints(double? PowerWatts, WorkloadBudget? LatencyMs, WorkloadBudget? EnergyMj)
{
    public static DesignConstraints None { get; } = new(null, null, null);

    public bool IsEmpty => PowerWatts is null && LatencyMs is null && EnergyMj is null;

    /// <summary>The first violated constraint, or null when <paramref name="measures"/> satisfy all.</summary>
    /// <exception cref="ArgumentException">A constraint on power or energy and a measure without it.</exception>
    public InfeasibleReason? Check(IReadOnlyList<WorkloadMeasure> measures)
    {
        foreach (var m in measures)
        {
            if (PowerWatts is { } power && Need(m.PowerWatts, m.Workload, "power_w") is var watts && watts > power)
            {
                return new InfeasibleReason(InfeasibilityStage.Constraint, InfeasibilityLevel.PowerBudget, m.Workload, null, watts, power, "W");
            }

            if (LatencyMs?.For(m.Workload) is { } latency && m.LatencySeconds * 1e3 > latency)
            {
                return new InfeasibleReason(InfeasibilityStage.Constraint, InfeasibilityLevel.LatencyBudget, m.Workload, null, m.LatencySeconds * 1e3, latency, "ms");
            }

            if (EnergyMj?.For(m.Workload) is { } energy && Need(m.EnergyJoules, m.Workload, "energy_j") * 1e3 is var mj && mj > energy)
            {
                return new InfeasibleReason(InfeasibilityStage.Constraint, InfeasibilityLevel.EnergyBudget, m.Workload, null, mj, energy, "mJ");
            }
        }

        return null;
    }

    private static double Need(double? value, string workload, string field) =>
        value ?? throw new ArgumentException($"a constraint needs {field} of workload '{workload}', which the result lacks");
}
