namespace Apollo.Search.Storage;

/// <summary>How a trial ended. Stored as lower-case text (<c>completed</c>, <c>infeasible</c>, <c>failed</c>).</summary>
public enum TrialStatus
{
    /// <summary>The design point compiled, simulated and was scored.</summary>
    Completed,

    /// <summary>The design point was rejected by a feasibility check (area budget, compiler, memory capacity).</summary>
    Infeasible,

    /// <summary>Evaluation threw an unexpected error; the message is in <see cref="TrialRecord.Reason"/>.</summary>
    Failed,
}

/// <summary>Per-workload result of a completed trial.</summary>
/// <param name="Workload">Workload name, unique within a trial.</param>
/// <param name="LatencySeconds">End-to-end latency of one inference, in seconds.</param>
/// <param name="ThroughputPerSecond">Inferences per second.</param>
/// <param name="Speedup">Perf/area of this design divided by perf/area of the baseline (dimensionless; baseline = 1).</param>
public sealed record WorkloadMetric(string Workload, double LatencySeconds, double ThroughputPerSecond, double Speedup);

/// <summary>
/// One evaluated design point as persisted by <see cref="TrialStore"/>. Immutable. Every double must be finite and
/// reads back bit-exactly, except that -0.0 reads back as +0.0 (SQLite stores integral REAL values as integers).
/// </summary>
/// <param name="Number">0-based, dense within a study.</param>
/// <param name="Batch">The ask/tell round the trial belongs to.</param>
/// <param name="Parameters">Parameter name to value, in search-space order (the order is preserved on load).</param>
/// <param name="Status">How the trial ended.</param>
/// <param name="Reward">The objective; 0 for infeasible and failed trials.</param>
/// <param name="AreaMm2">Estimated area in mm², when it was computed.</param>
/// <param name="Stage">Infeasibility stage, e.g. <c>area</c> or <c>compile</c>.</param>
/// <param name="Level">Memory level or component that was infeasible, e.g. <c>parameter_memory</c>.</param>
/// <param name="Layer">Workload layer that was infeasible, e.g. <c>conv_12</c>.</param>
/// <param name="Reason">Infeasibility reason with numbers, or the failure message.</param>
/// <param name="Proposer">The optimizer (or ensemble member) that proposed the point.</param>
/// <param name="EvaluationMilliseconds">Wall-clock time spent evaluating the trial, in milliseconds.</param>
/// <param name="FinishedAt">When evaluation finished; stored as UTC with 100 ns resolution (the offset is not kept).</param>
/// <param name="Metrics">Per-workload results, in workload order (the order is preserved on load); empty unless completed.</param>
public sealed record TrialRecord(
    int Number,
    int Batch,
    IReadOnlyList<KeyValuePair<string, double>> Parameters,
    TrialStatus Status,
    double Reward,
    double? AreaMm2,
    string? Stage,
    string? Level,
    string? Layer,
    string? Reason,
    string Proposer,
    double EvaluationMilliseconds,
    DateTimeOffset FinishedAt,
    IReadOnlyList<WorkloadMetric> Metrics);

/// <summary>What a study is: its unique name and the settings it was started with.</summary>
/// <param name="Name">Unique within a database file.</param>
/// <param name="Optimizer">Registered optimizer name, e.g. <c>p3bo</c>.</param>
/// <param name="Seed">Seed of the optimizer's random stream.</param>
/// <param name="AreaBudgetMm2">Area budget in mm².</param>
/// <param name="RequestedTrials">Trial budget the study was started with.</param>
/// <param name="BatchSize">Trials per ask/tell round.</param>
/// <param name="ConfigSnapshot">The full resolved configuration as YAML text.</param>
public sealed record StudyDefinition(
    string Name,
    string Optimizer,
    int Seed,
    double AreaBudgetMm2,
    int RequestedTrials,
    int BatchSize,
    string ConfigSnapshot);

/// <summary>A stored study.</summary>
/// <param name="Id">Database id (<c>studies.id</c>).</param>
/// <param name="Definition">The settings it was created with.</param>
/// <param name="CreatedAt">Creation time, UTC.</param>
public sealed record StudyInfo(long Id, StudyDefinition Definition, DateTimeOffset CreatedAt);

/// <summary>Counts and best result of a study, as listed by <see cref="TrialStore.ListStudies"/>.</summary>
/// <param name="Study">The study.</param>
/// <param name="Trials">Stored trials of any status.</param>
/// <param name="Feasible">Trials with status <see cref="TrialStatus.Completed"/>.</param>
/// <param name="BestReward">Highest reward of a completed trial; 0 when there is none.</param>
/// <param name="BestTrialNumber">Number of that trial (the lowest number on ties); null when there is none.</param>
public sealed record StudySummary(StudyInfo Study, int Trials, int Feasible, double BestReward, int? BestTrialNumber);
