namespace Apollo.Search.Storage;

/// <summary>How a trial ended. Stored as lower-case text (<c>completed</c>, <c>infeasible</c>, <c>failed</c>).</summary>
public enum TrialStatus
{
    /// <summary>The design point compiled, simulated and was scored.</summary>
    Completed,

    /// <summary>The design point was rejected by a feasibility check (area budget, compiler, memory capacity).</summary>
    Infeasible,

    /// <summary>Evaluation threw an unexpected error; the message is in <see cref="TrialOutcome.Failed.Error"/>.</summary>
    Failed,
}

/// <summary>Per-workload result of a completed trial. Checked once, in the constructor.</summary>
public sealed record WorkloadMetric
{
    /// <exception cref="ArgumentException">An empty name, or a number outside its range.</exception>
    public WorkloadMetric(string workload, double latencySeconds, double throughputPerSecond, double speedup, double? energyJoules = null, double? powerWatts = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(workload);
        Workload = workload;
        LatencySeconds = Outcomes.Positive(latencySeconds, nameof(LatencySeconds), workload);
        ThroughputPerSecond = Outcomes.NonNegative(throughputPerSecond, nameof(ThroughputPerSecond), workload);
        Speedup = Outcomes.NonNegative(speedup, nameof(Speedup), workload);
        EnergyJoules = energyJoules is { } e ? Outcomes.NonNegative(e, nameof(EnergyJoules), workload) : null;
        PowerWatts = powerWatts is { } p ? Outcomes.NonNegative(p, nameof(PowerWatts), workload) : null;
    }

    /// <summary>Workload name, unique within a trial.</summary>
    public string Workload { get; }

    /// <summary>End-to-end latency of one inference, in seconds; finite and positive.</summary>
    public double LatencySeconds { get; }

    /// <summary>Inferences per second; finite, not negative.</summary>
    public double ThroughputPerSecond { get; }

    /// <summary>Perf/area of this design divided by perf/area of the baseline (dimensionless; baseline = 1); finite, not negative.</summary>
    public double Speedup { get; }

    /// <summary>Energy of one inference in joules; null until the model computes it (stored as NULL).</summary>
    public double? EnergyJoules { get; }

    /// <summary>Average power while the workload runs, in watts; null until the model computes it (stored as NULL).</summary>
    public double? PowerWatts { get; }
}

/// <summary>
/// One evaluated design point as persisted by <see cref="TrialStore"/>. Immutable. Every double reads back
/// bit-exactly, except that -0.0 reads back as +0.0 (SQLite stores integral REAL values as integers).
/// </summary>
/// <param name="Number">0-based, dense within a study.</param>
/// <param name="Batch">The ask/tell round the trial belongs to.</param>
/// <param name="Parameters">Parameter name to value, in search-space order (the order is preserved on load).</param>
/// <param name="Outcome">How the trial ended: completed, infeasible or failed, with what belongs to each.</param>
/// <param name="Proposer">The optimizer (or ensemble member) that proposed the point.</param>
/// <param name="EvaluationMilliseconds">Wall-clock time spent evaluating the trial, in milliseconds.</param>
/// <param name="FinishedAt">When evaluation finished; stored as UTC with 100 ns resolution (the offset is not kept).</param>
public sealed record TrialRecord(
    int Number,
    int Batch,
    IReadOnlyList<KeyValuePair<string, double>> Parameters,
    TrialOutcome Outcome,
    string Proposer,
    double EvaluationMilliseconds,
    DateTimeOffset FinishedAt)
{
    /// <summary>The kind of <see cref="Outcome"/>.</summary>
    public TrialStatus Status => Outcome.Status;

    /// <summary>The objective of a completed trial; 0 for infeasible and failed trials.</summary>
    public double Reward => Outcome is TrialOutcome.Completed c ? c.Reward : 0.0;

    /// <summary>Estimated area in mm², when it was computed (always for completed trials, never for failed ones).</summary>
    public double? AreaMm2 => Outcome switch
    {
        TrialOutcome.Completed c => c.AreaMm2,
        TrialOutcome.Infeasible i => i.AreaMm2,
        _ => null,
    };

    /// <summary>Per-workload results of a completed trial, in workload order; empty otherwise.</summary>
    public IReadOnlyList<WorkloadMetric> Metrics => Outcome is TrialOutcome.Completed c ? c.Metrics : [];
}

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
