using System.Globalization;
using Apollo.Compiler.Mapping;
using Dapper;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Apollo.Search.Storage;

/// <summary>
/// The SQLite database of studies and their trials (schema in <c>docs/storage.md</c>). One instance owns one
/// connection; it is not thread-safe, so a study persists from one thread.
/// </summary>
/// <remarks>
/// <para>
/// <b>Durability.</b> The database runs in WAL mode with <c>synchronous=NORMAL</c>. Each
/// <see cref="AppendBatch"/> is one transaction: once it returns, the batch survives a crash or kill of this
/// process; if it throws, none of the batch was written. On power loss or an operating-system crash the most
/// recent commits (those not yet checkpointed) may be lost, but the database stays consistent and never holds
/// part of a batch.
/// </para>
/// <para>
/// <b>Concurrency.</b> Any number of readers (this or other processes, any SQLite tool) may read while one
/// process writes. Writers to the same study must hold its <see cref="StudyWriterLock"/>
/// (<see cref="AcquireWriter"/>); the store does not check that the caller holds it. Transactions of different
/// writers on the same file serialize; a writer waits up to <see cref="BusyTimeout"/> for another's commit.
/// </para>
/// </remarks>
public sealed partial class TrialStore : IDisposable
{
    /// <summary>The schema version this build writes (the single row of <c>schema_version</c>).</summary>
    public const int SchemaVersion = 2;

    /// <summary>The oldest schema version this build reads; <see cref="Open"/> upgrades such a file to <see cref="SchemaVersion"/>.</summary>
    public const int OldestReadableVersion = 1;

    /// <summary>How long a statement waits for another connection's write lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly SqliteConnection _connection;
    private readonly bool _readOnly;
    private readonly TrialInserter _inserter;
    private readonly HashSet<string> _uniqueNames = new(StringComparer.Ordinal);
    private bool _disposed;

    private TrialStore(string path, SqliteConnection connection, bool readOnly, int version)
    {
        Path = path;
        _connection = connection;
        _readOnly = readOnly;
        FileVersion = version;
        _inserter = new TrialInserter(connection);
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Whether the store was opened with <see cref="OpenReadOnly"/>.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>The file's schema version: <see cref="SchemaVersion"/>, or an older one that a read-only store reads as is.</summary>
    public int FileVersion { get; }

    /// <summary>Where <see cref="Open"/> copied a schema-1 file before upgrading it; null when it did not upgrade.</summary>
    public string? UpgradeBackup { get; private init; }

    /// <summary>
    /// Opens the store at <paramref name="path"/> for reading and writing, creating the file (and its directory)
    /// and the schema if they do not exist. A schema-1 file is first copied to <c>&lt;path&gt;.v1.bak</c> (with
    /// <c>VACUUM INTO</c>, so committed WAL content is included; <c>.v1.2.bak</c> and so on if that exists) and then
    /// upgraded in place in one transaction (see <see cref="UpgradeBackup"/>).
    /// </summary>
    /// <exception cref="StoreException">The file is not an SQLite database, is an SQLite database without an Apollo
    /// schema, has a schema version newer than <see cref="SchemaVersion"/> (the message names the file and both
    /// versions), is read-only, or cannot be opened, backed up or upgraded.</exception>
    public static TrialStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new StoreException($"Cannot open trial store '{fullPath}': it is a directory.");
        }

        var directory = System.IO.Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StoreException($"Cannot create the directory of trial store '{fullPath}': {ex.Message}", ex);
            }
        }

        return OpenCore(fullPath, SqliteOpenMode.ReadWriteCreate);
    }

    /// <summary>
    /// Opens an existing store for listing and reporting. Writes throw <see cref="StoreException"/>. A schema-1 file
    /// is read as it is and never modified.
    /// </summary>
    /// <exception cref="StoreException">The file does not exist, or any reason given for <see cref="Open"/>.</exception>
    public static TrialStore OpenReadOnly(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new StoreException($"Trial store '{fullPath}' does not exist.");
        }

        return OpenCore(fullPath, SqliteOpenMode.ReadOnly);
    }

    /// <summary>Creates a study. Its name must not exist in this file yet.</summary>
    /// <exception cref="StoreException">A study with this name exists, or the store is read-only.</exception>
    public StudyInfo CreateStudy(StudyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ThrowIfNotWritable();
        ValidateDefinition(definition);
        var createdAt = DateTimeOffset.UtcNow;
        return Write($"creating study '{definition.Name}'", transaction =>
        {
            if (FindStudy(definition.Name, transaction) is { } existing)
            {
                throw new StoreException(
                    $"Study '{definition.Name}' already exists in '{Path}' (id {existing.Id}, created "
                    + $"{IsoTimestamp.Format(existing.CreatedAt)}); choose another name or resume it.");
            }

            var id = _connection.ExecuteScalar<long>(
                """
                INSERT INTO studies (name, optimizer, seed, area_budget_mm2, requested_trials, batch_size, config_snapshot, created_at)
                VALUES (@Name, @Optimizer, @Seed, @AreaBudgetMm2, @RequestedTrials, @BatchSize, @ConfigSnapshot, @CreatedAt)
                RETURNING id
                """,
                new
                {
                    definition.Name,
                    definition.Optimizer,
                    definition.Seed,
                    definition.AreaBudgetMm2,
                    definition.RequestedTrials,
                    definition.BatchSize,
                    definition.ConfigSnapshot,
                    CreatedAt = IsoTimestamp.Format(createdAt),
                },
                transaction);
            return new StudyInfo(id, definition, IsoTimestamp.Parse(IsoTimestamp.Format(createdAt), "created_at"));
        });
    }

    /// <summary>The study with this name, or null.</summary>
    public StudyInfo? FindStudy(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfDisposed();
        return Read(() => FindStudy(name, null));
    }

    /// <summary>Every study in the file, ordered by id (creation order), with trial counts and the best trial.</summary>
    public IReadOnlyList<StudySummary> ListStudies()
    {
        ThrowIfDisposed();
        return Read(() => _connection.Query<StudySummaryRow>(
                $"""
                SELECT {StudyColumns},
                       (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id) AS Trials,
                       (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id AND t.status = 'completed') AS Feasible,
                       (SELECT t.number FROM trials t WHERE t.study_id = s.id AND t.status = 'completed'
                        ORDER BY t.reward DESC, t.number LIMIT 1) AS BestTrialNumber,
                       (SELECT t.reward FROM trials t WHERE t.study_id = s.id AND t.status = 'completed'
                        ORDER BY t.reward DESC, t.number LIMIT 1) AS BestReward
                FROM studies s
                ORDER BY s.id
                """)
            .Select(row => new StudySummary(row.ToInfo(), row.Trials, row.Feasible, row.BestReward ?? 0.0, row.BestTrialNumber))
            .ToList());
    }

    /// <summary>
    /// Takes the exclusive writer lock of <paramref name="studyName"/> in this database file. Hold it for as
    /// long as the study runs and dispose it when done. The study need not exist yet.
    /// </summary>
    /// <remarks>The lock is held by the operating system on <c>&lt;database&gt;.&lt;study&gt;.lock</c> and is
    /// released when the returned object is disposed or the process exits in any way, including SIGKILL.
    /// It excludes writers in this and every other process on the same file system.</remarks>
    /// <exception cref="StudyLockedException">Another writer holds the lock; the message names its pid, host and
    /// start time when known.</exception>
    public StudyWriterLock AcquireWriter(string studyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyName);
        ThrowIfNotWritable();
        return StudyWriterLock.Acquire(Path, studyName);
    }

    /// <summary>
    /// Appends one batch of trials to a study in one transaction. The numbers must continue the study's dense
    /// sequence (the first is the number of stored trials, each next one is one more).
    /// </summary>
    /// <remarks>When this returns the batch is committed and survives a crash of the process; when it throws,
    /// nothing of the batch was written. An empty batch does nothing.</remarks>
    /// <exception cref="StoreException">The study does not exist, the numbering is not dense, a parameter value or the
    /// evaluation time is NaN or infinite, a parameter name repeats within a trial, or SQLite failed; nothing was
    /// written. (The outcome checked its own values when it was constructed.)</exception>
    /// <param name="studyId">The study.</param>
    /// <param name="trials">The batch, densely numbered.</param>
    /// <param name="pareto">A multi-objective study's objective values and hypervolume for the batch (in the same transaction); null otherwise.</param>
    public void AppendBatch(long studyId, IReadOnlyList<TrialRecord> trials, ParetoBatch? pareto = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ThrowIfNotWritable();
        if (trials.Count == 0)
        {
            return;
        }

        for (var i = 0; i < trials.Count; i++)
        {
            ValidateTrial(trials[i] ?? throw new ArgumentException($"Trial at index {i} is null.", nameof(trials)));
            if (i > 0 && trials[i].Number != trials[i - 1].Number + 1)
            {
                throw new StoreException(
                    $"Batch for study {studyId} is not densely numbered: trial {trials[i - 1].Number} is followed by "
                    + $"{trials[i].Number}; nothing was written.");
            }
        }

        Write($"appending trials {trials[0].Number}..{trials[^1].Number} to study {studyId}", transaction =>
        {
            var next = _connection.ExecuteScalar<long?>(
                "SELECT (SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE study_id = @studyId) FROM studies WHERE id = @studyId",
                new { studyId },
                transaction) ?? throw new StoreException($"Study {studyId} does not exist in '{Path}'; nothing was written.");
            if (IsAskTellStudy(studyId, transaction))
            {
                throw new StoreException($"Study {studyId} in '{Path}' is driven by 'apollo ask'/'apollo tell'; its trials are added by 'apollo tell' only. Nothing was written.");
            }

            if (trials[0].Number != next)
            {
                throw new StoreException(
                    $"Batch for study {studyId} starts at trial {trials[0].Number} but the study has {next} trials, "
                    + $"so the next number must be {next}; nothing was written.");
            }

            foreach (var trial in trials)
            {
                _inserter.Insert(studyId, trial);
            }

            if (pareto is not null)
            {
                InsertPareto(studyId, trials[0].Batch, pareto, transaction);
            }

            return 0;
        });
    }

    /// <summary>All trials of a study ordered by number, with parameters and metrics in their stored order.</summary>
    /// <exception cref="StoreException">A stored row is not a valid trial (edited by hand): the message names the
    /// file, the study and the trial.</exception>
    public IReadOnlyList<TrialRecord> LoadTrials(long studyId)
    {
        ThrowIfDisposed();
        return Read(() => LoadTrials(studyId, null));
    }

    /// <summary>Records a new trial budget for a study that a resumed run extends (or shortens).</summary>
    /// <exception cref="StoreException">The store is read-only, or the budget is not positive.</exception>
    public void SetRequestedTrials(long studyId, int requestedTrials)
    {
        ThrowIfNotWritable();
        if (requestedTrials < 1)
        {
            throw new StoreException($"A study's trial budget must be at least 1, got {requestedTrials}.");
        }

        _connection.Execute("UPDATE studies SET requested_trials = @requestedTrials WHERE id = @studyId", new { studyId, requestedTrials });
    }

    /// <summary>The completed trial with the highest reward (the lowest number on ties), or null if none completed.</summary>
    public TrialRecord? BestTrial(long studyId)
    {
        ThrowIfDisposed();
        return Read(() =>
        {
            var number = _connection.ExecuteScalar<long?>(
                """
                SELECT number FROM trials
                WHERE study_id = @studyId AND status = 'completed'
                ORDER BY reward DESC, number
                LIMIT 1
                """,
                new { studyId });
            return number is null ? null : LoadTrials(studyId, (int)number.Value).Single();
        });
    }

    /// <summary>
    /// Runs SQLite's <c>PRAGMA integrity_check</c> over the whole file: an empty list when the file is sound, else
    /// SQLite's problem descriptions (a torn or partly overwritten file).
    /// </summary>
    /// <exception cref="StoreException">The check itself could not read the file.</exception>
    public IReadOnlyList<string> CheckIntegrity()
    {
        ThrowIfDisposed();
        var result = Read(() => _connection.Query<string>("PRAGMA integrity_check").ToList());
        return result is ["ok"] ? [] : result;
    }

    /// <summary>Closes the connection (checkpointing the WAL if this was the last connection). Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _inserter.Dispose();
        _connection.Dispose();
    }

    private const string StudyColumns = """
        s.id AS Id, s.name AS Name, s.optimizer AS Optimizer, s.seed AS Seed, s.area_budget_mm2 AS AreaBudgetMm2,
        s.requested_trials AS RequestedTrials, s.batch_size AS BatchSize, s.config_snapshot AS ConfigSnapshot,
        s.created_at AS CreatedAt
        """;

    private static TrialStore OpenCore(string fullPath, SqliteOpenMode mode)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = mode,
            // One long-lived connection per store; pooling would keep the file open after Dispose.
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        var readOnly = mode == SqliteOpenMode.ReadOnly;
        try
        {
            connection.Open();
            connection.Execute(string.Create(
                CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON;"));
            if (!readOnly)
            {
                // SQLite silently opens a write-protected file read-only; say so now rather than on the first write.
                if (raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
                {
                    throw new StoreException($"Trial store '{fullPath}' is read-only (no write permission on the file or its directory); it can be listed and reported, not written.");
                }

                // Reading the header here is what rejects a file that is not an SQLite database.
                connection.ExecuteScalar<string>("PRAGMA journal_mode = WAL;");
                connection.Execute("PRAGMA synchronous = NORMAL;");
            }

            var version = EnsureSchema(connection, fullPath, readOnly);
            string? backup = null;
            if (version < SchemaVersion && !readOnly)
            {
                backup = Upgrade(connection, fullPath);
                version = SchemaVersion;
            }

            return new TrialStore(fullPath, connection, readOnly, version) { UpgradeBackup = backup };
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new StoreException(Describe(fullPath, "opening", ex), ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Checks the schema (creating it in an empty writable file) and returns the file's version.</summary>
    private static int EnsureSchema(SqliteConnection connection, string path, bool readOnly)
    {
        // IMMEDIATE for writers so that two processes creating the same new file do not both create the schema.
        using var transaction = connection.BeginTransaction(deferred: readOnly);
        var tables = connection.Query<string>("SELECT name FROM sqlite_schema WHERE type = 'table'", transaction: transaction).ToList();
        if (tables.Count == 0)
        {
            if (readOnly)
            {
                throw new StoreException($"'{path}' is an empty SQLite database, not an Apollo trial store.");
            }

            // Schema 1 and every upgrade: a new file has exactly the tables of an upgraded one.
            connection.Execute(StoreSchema.Version1, transaction: transaction);
            connection.Execute("INSERT INTO schema_version (version) VALUES (1)", transaction: transaction);
            connection.Execute(StoreSchema.Version1To2, transaction: transaction);
            transaction.Commit();
            return SchemaVersion;
        }

        var version = ReadVersion(connection, path, tables, transaction);
        transaction.Commit();
        return version;
    }

    private static int ReadVersion(SqliteConnection connection, string path, List<string> tables, SqliteTransaction transaction)
    {
        if (!tables.Contains("schema_version"))
        {
            throw new StoreException(
                $"'{path}' is an SQLite database but not an Apollo trial store (it has no schema_version table; "
                + $"tables: {string.Join(", ", tables)}).");
        }

        var versions = connection.Query<long>("SELECT version FROM schema_version", transaction: transaction).ToList();
        if (versions.Count != 1)
        {
            throw new StoreException(
                $"'{path}' has {versions.Count} rows in schema_version; expected exactly one (version {SchemaVersion}).");
        }

        if (versions[0] > SchemaVersion)
        {
            throw new StoreException(
                $"'{path}' has trial-store schema version {versions[0]}, newer than this version of Apollo reads and writes "
                + $"(schema version {SchemaVersion}). Use a newer Apollo or another database file.");
        }

        if (versions[0] < OldestReadableVersion)
        {
            throw new StoreException(
                $"'{path}' has trial-store schema version {versions[0]}, but this version of Apollo reads schema versions "
                + $"{OldestReadableVersion} to {SchemaVersion}. Use a new database file.");
        }

        return (int)versions[0];
    }

    /// <summary>
    /// Copies a schema-1 file aside and upgrades it in one transaction; returns the copy's path, or null when another
    /// process upgraded the file first. The write lock is taken before the copy, so concurrent openers (the cells of
    /// a local sweep sharing one file) upgrade and back up once, one after the other.
    /// </summary>
    private static string? Upgrade(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        if (connection.ExecuteScalar<long>("SELECT version FROM schema_version", transaction: transaction) != 1)
        {
            transaction.Commit();
            return null;
        }

        var backup = path + ".v1.bak";
        for (var n = 2; File.Exists(backup); n++)
        {
            backup = string.Create(CultureInfo.InvariantCulture, $"{path}.v1.{n}.bak");
        }

        try
        {
            // VACUUM INTO cannot run inside a transaction: a second, read-only connection copies the file while this
            // one holds the write lock (WAL readers and one writer coexist). It reads through SQLite, so committed
            // content still in the WAL is included.
            using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            copy.Open();
            copy.Execute("VACUUM INTO @backup", new { backup });
        }
        catch (SqliteException ex)
        {
            throw new StoreException(
                $"'{path}' has schema version 1 and must be upgraded to {SchemaVersion} before it is written, but the backup "
                + $"copy '{backup}' could not be written: {ex.Message}. Nothing was changed.", ex);
        }

        try
        {
            connection.Execute(StoreSchema.Version1To2, transaction: transaction);
            transaction.Commit();
        }
        catch (SqliteException ex)
        {
            throw new StoreException(
                $"Upgrading '{path}' from schema version 1 to {SchemaVersion} failed: {ex.Message}. Nothing was changed; "
                + $"the copy '{backup}' is intact.", ex);
        }

        return backup;
    }

    private static string Describe(string path, string action, SqliteException ex) => ex.SqliteErrorCode switch
    {
        26 => $"'{path}' is not an SQLite database (file is not a database or is encrypted).",
        11 => $"'{path}' is a corrupt SQLite database: {ex.Message}",
        14 => $"Cannot open '{path}': {ex.Message}",
        8 => $"'{path}' is read-only ({action}): {ex.Message}",
        5 or 6 => $"'{path}' stayed locked by another connection for more than {BusyTimeout.TotalSeconds:0} s while {action}: {ex.Message}",
        _ => $"SQLite error on '{path}' while {action}: {ex.Message}",
    };

    private static void ValidateDefinition(StudyDefinition definition)
    {
        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            throw new StoreException("A study name must not be empty.");
        }

        ArgumentNullException.ThrowIfNull(definition.Optimizer);
        ArgumentNullException.ThrowIfNull(definition.ConfigSnapshot);
        if (!double.IsFinite(definition.AreaBudgetMm2))
        {
            throw new StoreException(string.Create(
                CultureInfo.InvariantCulture,
                $"The area budget of study '{definition.Name}' is {definition.AreaBudgetMm2}; it must be a finite number."));
        }
    }

    /// <summary>Checks one trial before the transaction starts. Messages are built only on failure: this runs
    /// for every trial on the insert hot path.</summary>
    private void ValidateTrial(TrialRecord trial)
    {
        if (trial.Number < 0)
        {
            throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"Trial number {trial.Number} is negative; nothing was written."));
        }

        ArgumentNullException.ThrowIfNull(trial.Parameters);
        ArgumentNullException.ThrowIfNull(trial.Outcome);
        ArgumentNullException.ThrowIfNull(trial.Proposer);
        // The outcome checked its own numbers when it was constructed; what is left is the record's.
        RequireFinite(trial.EvaluationMilliseconds, trial, "evaluation time");
        var names = _uniqueNames;
        names.Clear();
        foreach (var (name, value) in trial.Parameters)
        {
            if (name is null || !names.Add(name))
            {
                throw new StoreException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Parameter name '{name}' is null or repeated in trial {trial.Number}; nothing was written."));
            }

            RequireFinite(value, trial, "parameter", name);
        }
    }

    private static void RequireFinite(double value, TrialRecord trial, string field, string? name = null)
    {
        if (!double.IsFinite(value))
        {
            var what = name is null ? field : $"{field} '{name}'";
            throw new StoreException(string.Create(
                CultureInfo.InvariantCulture,
                $"The {what} of trial {trial.Number} is {value}; the store holds finite numbers only. Nothing was written."));
        }
    }

    private StudyInfo? FindStudy(string name, SqliteTransaction? transaction) =>
        _connection.QuerySingleOrDefault<StudyRow>(
            $"SELECT {StudyColumns} FROM studies s WHERE s.name = @name",
            new { name },
            transaction)?.ToInfo();

    private List<TrialRecord> LoadTrials(long studyId, int? number)
    {
        // One deferred transaction so that the reads see the same snapshot while a writer appends.
        using var transaction = _connection.BeginTransaction(deferred: true);
        var filter = number is null ? string.Empty : " AND {0} = @number";
        var args = new { studyId, number };
        // A schema-1 file opened read-only lacks the columns of schema 2: they read as NULL, as after an upgrade.
        var v2 = FileVersion >= 2;
        var rows = _connection.Query<TrialRow>(
            $"""
            SELECT number AS Number, batch AS Batch, status AS Status, reward AS Reward, area_mm2 AS AreaMm2,
                   stage AS Stage, level AS Level, layer AS Layer, reason AS Reason, proposer AS Proposer,
                   evaluation_ms AS EvaluationMs, finished_at AS FinishedAt,
                   {(v2 ? "workload" : "NULL")} AS Workload, {(v2 ? "needed" : "NULL")} AS Needed,
                   {(v2 ? "available" : "NULL")} AS Available, {(v2 ? "unit" : "NULL")} AS Unit
            FROM trials WHERE study_id = @studyId{string.Format(CultureInfo.InvariantCulture, filter, "number")}
            ORDER BY number
            """,
            args,
            transaction).ToList();
        var parameters = _connection.Query<ParameterRow>(
            $"""
            SELECT trial_number AS TrialNumber, name AS Name, value AS Value
            FROM trial_parameters WHERE study_id = @studyId{string.Format(CultureInfo.InvariantCulture, filter, "trial_number")}
            ORDER BY trial_number, position
            """,
            args,
            transaction).ToLookup(p => p.TrialNumber);
        var metrics = _connection.Query<MetricRow>(
            $"""
            SELECT trial_number AS TrialNumber, workload AS Workload, latency_s AS LatencySeconds,
                   throughput_per_s AS ThroughputPerSecond, speedup AS Speedup,
                   {(v2 ? "energy_j" : "NULL")} AS EnergyJoules, {(v2 ? "power_w" : "NULL")} AS PowerWatts
            FROM trial_metrics WHERE study_id = @studyId{string.Format(CultureInfo.InvariantCulture, filter, "trial_number")}
            ORDER BY trial_number, position
            """,
            args,
            transaction).ToLookup(m => m.TrialNumber);
        var study = rows.Count == 0 ? null : _connection.ExecuteScalar<string>("SELECT name FROM studies WHERE id = @studyId", args, transaction);
        transaction.Commit();

        return rows.Select(row => new TrialRecord(
                row.Number,
                row.Batch,
                parameters[row.Number].Select(p => new KeyValuePair<string, double>(p.Name, p.Value)).ToList(),
                ToOutcome(study ?? "?", row, metrics[row.Number]),
                row.Proposer,
                row.EvaluationMs,
                IsoTimestamp.Parse(row.FinishedAt, $"finished_at of trial {row.Number}")))
            .ToList();
    }

    /// <summary>The outcome a stored row describes; a row no outcome accepts (edited by hand) is a <see cref="StoreException"/>.</summary>
    private TrialOutcome ToOutcome(string study, TrialRow row, IEnumerable<MetricRow> metrics)
    {
        string Where() => string.Create(CultureInfo.InvariantCulture, $"Trial {row.Number} of study '{study}' in '{Path}'");
        try
        {
            var status = StoreSchema.ParseStatus(row.Status);
            if (status != TrialStatus.Completed && row.Reward != 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"reward is {row.Reward}, but the reward of a trial that is {row.Status} is 0"));
            }

            switch (status)
            {
                case TrialStatus.Completed:
                    return new TrialOutcome.Completed(
                        row.Reward,
                        row.AreaMm2 ?? throw new ArgumentException("a completed trial has no area"),
                        metrics.Select(m => new WorkloadMetric(m.Workload, m.LatencySeconds, m.ThroughputPerSecond, m.Speedup, m.EnergyJoules, m.PowerWatts)).ToList());
                case TrialStatus.Infeasible:
                    if (!InfeasibilityText.TryParseStage(row.Stage, out var stage) || !InfeasibilityText.TryParseLevel(row.Level, out var level))
                    {
                        throw new ArgumentException($"unknown infeasibility stage/level '{row.Stage}/{row.Level}'");
                    }

                    return new TrialOutcome.Infeasible(
                        new TrialInfeasibility(stage, level, row.Workload, row.Layer, row.Needed, row.Available, row.Unit, row.Reason ?? ""),
                        row.AreaMm2);
                default:
                    return new TrialOutcome.Failed(row.Reason ?? "");
            }
        }
        catch (ArgumentException e)
        {
            throw new StoreException($"{Where()} is invalid: {e.Message}. The row was edited or written by another tool; fix or delete it.", e);
        }
        catch (StoreException e)
        {
            throw new StoreException($"{Where()}: {e.Message}", e);
        }
    }

    private T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException ex)
        {
            throw new StoreException(Describe(Path, "reading", ex), ex);
        }
        catch (Exception ex) when (ex is System.Data.DataException or InvalidCastException or FormatException or OverflowException)
        {
            // Dapper could not convert a stored value (text in a REAL column, an out-of-range integer): edited by hand.
            throw new StoreException($"'{Path}' holds a value of the wrong type: {ex.Message}. The file was edited or written by another tool.", ex);
        }
    }

    private T Write<T>(string action, Func<SqliteTransaction, T> write)
    {
        try
        {
            // Microsoft.Data.Sqlite begins IMMEDIATE unless deferred: the write lock is taken up front, so the
            // checks inside (e.g. the next trial number) cannot be invalidated by another writer.
            using var transaction = _connection.BeginTransaction(deferred: false);
            var result = write(transaction);
            transaction.Commit();
            return result;
        }
        catch (SqliteException ex)
        {
            throw new StoreException(Describe(Path, action, ex) + " Nothing was written.", ex);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private void ThrowIfNotWritable()
    {
        ThrowIfDisposed();
        if (_readOnly)
        {
            throw new StoreException($"Trial store '{Path}' was opened read-only.");
        }
    }

    private class StudyRow
    {
        public long Id { get; init; }

        public string Name { get; init; } = "";

        public string Optimizer { get; init; } = "";

        public int Seed { get; init; }

        public double AreaBudgetMm2 { get; init; }

        public int RequestedTrials { get; init; }

        public int BatchSize { get; init; }

        public string ConfigSnapshot { get; init; } = "";

        public string CreatedAt { get; init; } = "";

        public StudyInfo ToInfo() => new(
            Id,
            new StudyDefinition(Name, Optimizer, Seed, AreaBudgetMm2, RequestedTrials, BatchSize, ConfigSnapshot),
            IsoTimestamp.Parse(CreatedAt, $"created_at of study '{Name}'"));
    }

    /// <summary>A study row with its aggregates, as <see cref="ListStudies"/> reads it.</summary>
    private sealed class StudySummaryRow : StudyRow
    {
        public int Trials { get; init; }

        public int Feasible { get; init; }

        public int? BestTrialNumber { get; init; }

        public double? BestReward { get; init; }
    }

    private sealed class TrialRow
    {
        public int Number { get; init; }

        public int Batch { get; init; }

        public string Status { get; init; } = "";

        public double Reward { get; init; }

        public double? AreaMm2 { get; init; }

        public string? Stage { get; init; }

        public string? Level { get; init; }

        public string? Layer { get; init; }

        public string? Reason { get; init; }

        public string Proposer { get; init; } = "";

        public double EvaluationMs { get; init; }

        public string FinishedAt { get; init; } = "";

        public string? Workload { get; init; }

        public double? Needed { get; init; }

        public double? Available { get; init; }

        public string? Unit { get; init; }
    }

    private sealed class ParameterRow
    {
        public int TrialNumber { get; init; }

        public string Name { get; init; } = "";

        public double Value { get; init; }
    }

    private sealed class MetricRow
    {
        public int TrialNumber { get; init; }

        public string Workload { get; init; } = "";

        public double LatencySeconds { get; init; }

        public double ThroughputPerSecond { get; init; }

        public double Speedup { get; init; }

        public double? EnergyJoules { get; init; }

        public double? PowerWatts { get; init; }
    }
}
