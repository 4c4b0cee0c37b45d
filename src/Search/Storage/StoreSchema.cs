namespace Apollo.Search.Storage;

/// <summary>
/// DDL of the trial store and the text forms of enums; docs/storage.md documents every column. A new file is
/// created as schema 1 followed by every upgrade, in one transaction, so that a new file and an upgraded one have
/// the same tables, column for column (<c>ALTER TABLE ... ADD COLUMN</c> appends, so the columns added by an
/// upgrade come last in both).
/// </summary>
internal static class StoreSchema
{
    /// <summary>Schema version 1 exactly as Apollo wrote it before schema 2; never edit.</summary>
    public const string Version1 = """
        CREATE TABLE schema_version (
            version INTEGER NOT NULL
        );

        CREATE TABLE studies (
            id               INTEGER PRIMARY KEY,
            name             TEXT    NOT NULL UNIQUE,
            optimizer        TEXT    NOT NULL,
            seed             INTEGER NOT NULL,
            area_budget_mm2  REAL    NOT NULL,
            requested_trials INTEGER NOT NULL,
            batch_size       INTEGER NOT NULL,
            config_snapshot  TEXT    NOT NULL,
            created_at       TEXT    NOT NULL
        );

        CREATE TABLE trials (
            study_id      INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
            number        INTEGER NOT NULL CHECK (number >= 0),
            batch         INTEGER NOT NULL,
            status        TEXT    NOT NULL CHECK (status IN ('completed', 'infeasible', 'failed')),
            reward        REAL    NOT NULL,
            area_mm2      REAL,
            stage         TEXT,
            level         TEXT,
            layer         TEXT,
            reason        TEXT,
            proposer      TEXT    NOT NULL,
            evaluation_ms REAL    NOT NULL,
            finished_at   TEXT    NOT NULL,
            PRIMARY KEY (study_id, number)
        ) WITHOUT ROWID;

        -- BestTrial and ListStudies: best completed trial of a study without scanning it.
        CREATE INDEX trials_best ON trials (study_id, reward DESC, number) WHERE status = 'completed';

        CREATE TABLE trial_parameters (
            study_id     INTEGER NOT NULL,
            trial_number INTEGER NOT NULL,
            position     INTEGER NOT NULL,
            name         TEXT    NOT NULL,
            value        REAL    NOT NULL,
            PRIMARY KEY (study_id, trial_number, name),
            FOREIGN KEY (study_id, trial_number) REFERENCES trials(study_id, number) ON DELETE CASCADE
        ) WITHOUT ROWID;

        CREATE TABLE trial_metrics (
            study_id         INTEGER NOT NULL,
            trial_number     INTEGER NOT NULL,
            position         INTEGER NOT NULL,
            workload         TEXT    NOT NULL,
            latency_s        REAL    NOT NULL,
            throughput_per_s REAL    NOT NULL,
            speedup          REAL    NOT NULL,
            PRIMARY KEY (study_id, trial_number, workload),
            FOREIGN KEY (study_id, trial_number) REFERENCES trials(study_id, number) ON DELETE CASCADE
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Schema 1 → 2: the typed infeasibility reason (workload, needed, available, unit) next to stage, level, layer
    /// and the rendered message, and room for energy and power per workload. Rows written by schema 1 keep NULL in
    /// the new columns: their numbers were never stored.
    /// </summary>
    public const string Version1To2 = """
        ALTER TABLE trials ADD COLUMN workload TEXT;
        ALTER TABLE trials ADD COLUMN needed REAL;
        ALTER TABLE trials ADD COLUMN available REAL;
        ALTER TABLE trials ADD COLUMN unit TEXT;
        ALTER TABLE trial_metrics ADD COLUMN energy_j REAL;
        ALTER TABLE trial_metrics ADD COLUMN power_w REAL;
        UPDATE schema_version SET version = 2;
        """;

    /// <summary>
    /// The ask/tell log (<c>apollo ask</c>/<c>tell</c>): every point handed out, with the round it was asked in, how
    /// many tells came before that round, and its place in the tell order once told. Created on the first ask, in the
    /// same transaction; not a schema change: the version stays 2, files without it read as before, and readers of
    /// <c>trials</c> never see pending trials (they have no row there until told).
    /// </summary>
    public const string AskTellTables = """
        CREATE TABLE IF NOT EXISTS asked_trials (
            study_id    INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
            number      INTEGER NOT NULL CHECK (number >= 0),
            batch       INTEGER NOT NULL CHECK (batch >= 0),
            told_before INTEGER NOT NULL CHECK (told_before >= 0),
            tell_index  INTEGER CHECK (tell_index >= 0),
            proposer    TEXT    NOT NULL,
            asked_at    TEXT    NOT NULL,
            PRIMARY KEY (study_id, number)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS asked_parameters (
            study_id     INTEGER NOT NULL,
            trial_number INTEGER NOT NULL,
            position     INTEGER NOT NULL,
            name         TEXT    NOT NULL,
            value        REAL    NOT NULL,
            PRIMARY KEY (study_id, trial_number, name),
            FOREIGN KEY (study_id, trial_number) REFERENCES asked_trials(study_id, number) ON DELETE CASCADE
        ) WITHOUT ROWID;
        """;

    public static string StatusText(TrialStatus status) => status switch
    {
        TrialStatus.Completed => "completed",
        TrialStatus.Infeasible => "infeasible",
        TrialStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown trial status."),
    };

    public static TrialStatus ParseStatus(string text) => text switch
    {
        "completed" => TrialStatus.Completed,
        "infeasible" => TrialStatus.Infeasible,
        "failed" => TrialStatus.Failed,
        _ => throw new StoreException($"Unknown trial status '{text}' in the store."),
    };
}
