using System.Globalization;
using Apollo.Compiler.Mapping;

namespace Apollo.Search.Storage;

/// <summary>
/// How a trial ended: a closed set of three records (DESIGN §6). <see cref="Completed"/> carries the reward and
/// metrics, <see cref="Infeasible"/> the typed reason, <see cref="Failed"/> the error. Each checks its values in
/// its constructor, so an outcome that exists is valid; status and reward of a <see cref="TrialRecord"/> are
/// derived from it.
/// </summary>
public abstract record TrialOutcome
{
    // Only the three nested records derive from this one.
    private TrialOutcome()
    {
    }

    /// <summary>The kind of outcome.</summary>
    public abstract TrialStatus Status { get; }

    /// <summary>The design point compiled, simulated and was scored.</summary>
    public sealed record Completed : TrialOutcome
    {
        /// <exception cref="ArgumentException">The reward is not finite and positive, the area not finite and
        /// positive, or the metrics are empty, contain null or repeat a workload.</exception>
        public Completed(double reward, double areaMm2, IReadOnlyList<WorkloadMetric> metrics)
        {
            ArgumentNullException.ThrowIfNull(metrics);
            Reward = Outcomes.Positive(reward, nameof(Reward));
            AreaMm2 = Outcomes.Positive(areaMm2, nameof(AreaMm2));
            if (metrics.Count == 0)
            {
                throw new ArgumentException("A completed trial has at least one workload metric.", nameof(metrics));
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var metric in metrics)
            {
                if (metric is null || !names.Add(metric.Workload))
                {
                    throw new ArgumentException($"Workload '{metric?.Workload}' is null or repeated in the metrics of a completed trial.", nameof(metrics));
                }
            }

            Metrics = [.. metrics];
        }

        public override TrialStatus Status => TrialStatus.Completed;

        /// <summary>The objective (DESIGN §6): 1.0 for the baseline.</summary>
        public double Reward { get; }

        /// <summary>Estimated area in mm².</summary>
        public double AreaMm2 { get; }

        /// <summary>Per-workload results in workload order (a copy: the caller's list is not kept).</summary>
        public IReadOnlyList<WorkloadMetric> Metrics { get; }

        /// <summary>Value equality, metrics element by element.</summary>
        public bool Equals(Completed? other) =>
            other is not null && Reward.Equals(other.Reward) && AreaMm2.Equals(other.AreaMm2) && Metrics.SequenceEqual(other.Metrics);

        public override int GetHashCode() => HashCode.Combine(Reward, AreaMm2, Metrics.Count);
    }

    /// <summary>A feasibility check (area budget, compiler) rejected the design point.</summary>
    /// <param name="Reason">Stage, level and the numbers of the check that failed.</param>
    /// <param name="AreaMm2">Estimated area in mm², when it was computed (always by the evaluator).</param>
    public sealed record Infeasible(TrialInfeasibility Reason, double? AreaMm2) : TrialOutcome
    {
        public TrialInfeasibility Reason { get; } = Reason ?? throw new ArgumentNullException(nameof(Reason));

        public double? AreaMm2 { get; } = AreaMm2 is { } a ? Outcomes.Positive(a, nameof(AreaMm2)) : null;

        public override TrialStatus Status => TrialStatus.Infeasible;
    }

    /// <summary>Evaluation threw an unexpected error; the optimizers see it as reward 0.</summary>
    /// <param name="Error">The exception's type and message.</param>
    public sealed record Failed(string Error) : TrialOutcome
    {
        /// <summary>What the store's <c>stage</c> column and the CLI's <c>stage</c> field hold for a failed trial (as in schema 1).</summary>
        public const string StageText = "evaluation";

        public string Error { get; } = string.IsNullOrWhiteSpace(Error) ? throw new ArgumentException("A failed trial needs an error message.", nameof(Error)) : Error;

        public override TrialStatus Status => TrialStatus.Failed;
    }
}

/// <summary>
/// Why a stored trial was infeasible: the evaluator's <see cref="InfeasibleReason"/> as the store keeps it. Trials
/// stored by schema 2 have every number; trials stored by schema 1 (and upgraded) kept only stage, level, layer
/// and the message text, so their <see cref="Workload"/>, <see cref="Needed"/>, <see cref="Available"/> and
/// <see cref="Unit"/> are null: nothing is guessed from the old message.
/// </summary>
public sealed record TrialInfeasibility
{
    /// <exception cref="ArgumentException">A stage or level outside its enum; a number that is NaN, infinite or
    /// negative; numbers and unit not all known or all unknown; an empty message.</exception>
    public TrialInfeasibility(
        InfeasibilityStage stage,
        InfeasibilityLevel level,
        string? workload,
        string? layer,
        double? needed,
        double? available,
        string? unit,
        string message)
    {
        Stage = Enum.IsDefined(stage) ? stage : throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown infeasibility stage.");
        Level = Enum.IsDefined(level) ? level : throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown infeasibility level.");
        Workload = workload;
        Layer = layer;
        Needed = needed is { } n ? Outcomes.NonNegative(n, nameof(Needed)) : null;
        Available = available is { } a ? Outcomes.NonNegative(a, nameof(Available)) : null;
        Unit = unit is null || unit.Trim().Length > 0 ? unit : throw new ArgumentException("The unit must not be empty.", nameof(unit));
        if ((needed is null) != (available is null) || (needed is null) != (unit is null))
        {
            throw new ArgumentException("Needed, available and unit are all known (schema 2) or all unknown (upgraded from schema 1).");
        }

        Message = string.IsNullOrWhiteSpace(message) ? throw new ArgumentException("An infeasibility needs a message.", nameof(message)) : message;
    }

    public InfeasibilityStage Stage { get; }

    public InfeasibilityLevel Level { get; }

    /// <summary>The network that could not be mapped; null for the area stage and for schema-1 trials.</summary>
    public string? Workload { get; }

    /// <summary>The layer that could not be mapped; null for the area stage.</summary>
    public string? Layer { get; }

    /// <summary>What was needed, in <see cref="Unit"/>; null for schema-1 trials.</summary>
    public double? Needed { get; }

    /// <summary>What was available, in <see cref="Unit"/>; null for schema-1 trials.</summary>
    public double? Available { get; }

    /// <summary><c>mm²</c>, <c>B</c> or <c>entries</c>; null for schema-1 trials.</summary>
    public string? Unit { get; }

    /// <summary>The reason for people, as <see cref="InfeasibleReason.Message"/> rendered it when the trial ran.</summary>
    public string Message { get; }

    /// <summary>The store's form of the evaluator's reason: every field, and the message it renders.</summary>
    public static TrialInfeasibility From(InfeasibleReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return new(reason.Stage, reason.Level, reason.Workload, reason.Layer, reason.Needed, reason.Available, reason.Unit, reason.Message);
    }
}

/// <summary>Range checks shared by the outcome records; messages name the field.</summary>
internal static class Outcomes
{
    public static double Positive(double value, string field, string? workload = null) =>
        double.IsFinite(value) && value > 0 ? value : throw Invalid(value, field, workload, "finite and positive");

    public static double NonNegative(double value, string field, string? workload = null) =>
        double.IsFinite(value) && value >= 0 ? value : throw Invalid(value, field, workload, "finite and not negative");

    // One line without the parameter suffix: the store puts this message into its own when a stored row is invalid.
    private static ArgumentException Invalid(double value, string field, string? workload, string rule) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"{field}{(workload is null ? "" : $" of workload '{workload}'")} is {value}; it must be {rule}"));
}
