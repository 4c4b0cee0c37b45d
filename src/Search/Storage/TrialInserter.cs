using System.Globalization;
using Apollo.Compiler.Mapping;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Apollo.Search.Storage;

/// <summary>
/// The batch-insert hot path: INSERT statements prepared once per store and reused for every trial, with values
/// bound by position on the connection's native handle (SQLitePCL, the layer under Microsoft.Data.Sqlite).
/// </summary>
/// <remarks>
/// Binding through <see cref="SqliteCommand"/> resolves every parameter by name and re-encodes it on each
/// execution; at 80 values per trial that doubled the cost of a batch. Statements run inside the caller's
/// <see cref="SqliteTransaction"/> on the same connection, so atomicity is unchanged. Parameters and metrics of a
/// trial go in one multi-row statement each, cached by row count.
/// </remarks>
internal sealed class TrialInserter : IDisposable
{
    private const string TrialSql = """
        INSERT INTO trials (study_id, number, batch, status, reward, area_mm2, stage, level, layer, reason,
                            proposer, evaluation_ms, finished_at, workload, needed, available, unit)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
        """;

    private readonly SqliteConnection _connection;
    private readonly Dictionary<int, sqlite3_stmt> _parameterInserts = [];
    private readonly Dictionary<int, sqlite3_stmt> _metricInserts = [];
    private sqlite3_stmt? _trialInsert;

    public TrialInserter(SqliteConnection connection) => _connection = connection;

    private sqlite3 Db => _connection.Handle ?? throw new InvalidOperationException("The connection is closed.");

    /// <summary>Inserts one trial with its parameters and metrics. Call inside an open transaction.</summary>
    /// <exception cref="SqliteException">SQLite refused a row; the caller rolls the transaction back.</exception>
    public void Insert(long studyId, TrialRecord trial)
    {
        var statement = _trialInsert ??= Prepare(TrialSql);
        Check(raw.sqlite3_bind_int64(statement, 1, studyId));
        Check(raw.sqlite3_bind_int(statement, 2, trial.Number));
        Check(raw.sqlite3_bind_int(statement, 3, trial.Batch));
        Check(raw.sqlite3_bind_text(statement, 4, StoreSchema.StatusText(trial.Status)));
        Check(raw.sqlite3_bind_double(statement, 5, trial.Reward));
        BindDoubleOrNull(statement, 6, trial.AreaMm2);
        var infeasible = (trial.Outcome as TrialOutcome.Infeasible)?.Reason;
        BindTextOrNull(statement, 7, infeasible?.Stage.Text() ?? (trial.Outcome is TrialOutcome.Failed ? TrialOutcome.Failed.StageText : null));
        BindTextOrNull(statement, 8, infeasible?.Level.Text());
        BindTextOrNull(statement, 9, infeasible?.Layer);
        BindTextOrNull(statement, 10, infeasible?.Message ?? (trial.Outcome as TrialOutcome.Failed)?.Error);
        BindTextOrNull(statement, 14, infeasible?.Workload);
        BindDoubleOrNull(statement, 15, infeasible?.Needed);
        BindDoubleOrNull(statement, 16, infeasible?.Available);
        BindTextOrNull(statement, 17, infeasible?.Unit);
        Check(raw.sqlite3_bind_text(statement, 11, trial.Proposer));
        Check(raw.sqlite3_bind_double(statement, 12, trial.EvaluationMilliseconds));
        Check(raw.sqlite3_bind_text(statement, 13, IsoTimestamp.Format(trial.FinishedAt)));
        Step(statement);

        var parameters = trial.Parameters;
        if (parameters.Count > 0)
        {
            var insert = RowInsert(_parameterInserts, parameters.Count, "trial_parameters", ["name", "value"]);
            Check(raw.sqlite3_bind_int64(insert, 1, studyId));
            Check(raw.sqlite3_bind_int(insert, 2, trial.Number));
            for (var i = 0; i < parameters.Count; i++)
            {
                Check(raw.sqlite3_bind_text(insert, 3 + (2 * i), parameters[i].Key));
                Check(raw.sqlite3_bind_double(insert, 4 + (2 * i), parameters[i].Value));
            }

            Step(insert);
        }

        var metrics = trial.Metrics;
        if (metrics.Count > 0)
        {
            var insert = RowInsert(_metricInserts, metrics.Count, "trial_metrics", ["workload", "latency_s", "throughput_per_s", "speedup", "energy_j", "power_w"]);
            Check(raw.sqlite3_bind_int64(insert, 1, studyId));
            Check(raw.sqlite3_bind_int(insert, 2, trial.Number));
            for (var i = 0; i < metrics.Count; i++)
            {
                var metric = metrics[i];
                var first = 3 + (6 * i);
                Check(raw.sqlite3_bind_text(insert, first, metric.Workload));
                Check(raw.sqlite3_bind_double(insert, first + 1, metric.LatencySeconds));
                Check(raw.sqlite3_bind_double(insert, first + 2, metric.ThroughputPerSecond));
                Check(raw.sqlite3_bind_double(insert, first + 3, metric.Speedup));
                BindDoubleOrNull(insert, first + 4, metric.EnergyJoules);
                BindDoubleOrNull(insert, first + 5, metric.PowerWatts);
            }

            Step(insert);
        }
    }

    /// <summary>Finalizes the statements; must run before the connection closes.</summary>
    public void Dispose()
    {
        _trialInsert?.Dispose();
        foreach (var statement in _parameterInserts.Values.Concat(_metricInserts.Values))
        {
            statement.Dispose();
        }

        _trialInsert = null;
        _parameterInserts.Clear();
        _metricInserts.Clear();
    }

    private sqlite3_stmt RowInsert(Dictionary<int, sqlite3_stmt> cache, int rows, string table, string[] columns)
    {
        if (cache.TryGetValue(rows, out var cached))
        {
            return cached;
        }

        // Row i: (?1 study, ?2 trial, position i, then its columns numbered from 3 + i * columns.Length).
        var values = Enumerable.Range(0, rows).Select(i =>
        {
            var first = 3 + (i * columns.Length);
            var slots = string.Join(", ", Enumerable.Range(first, columns.Length).Select(n => "?" + n.ToString(CultureInfo.InvariantCulture)));
            return string.Create(CultureInfo.InvariantCulture, $"(?1, ?2, {i}, {slots})");
        });
        var statement = Prepare(
            $"INSERT INTO {table} (study_id, trial_number, position, {string.Join(", ", columns)}) VALUES {string.Join(", ", values)}");
        cache[rows] = statement;
        return statement;
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(Db, sql, out var statement));
        return statement;
    }

    private void BindDoubleOrNull(sqlite3_stmt statement, int index, double? value) =>
        Check(value is { } v ? raw.sqlite3_bind_double(statement, index, v) : raw.sqlite3_bind_null(statement, index));

    private void BindTextOrNull(sqlite3_stmt statement, int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, value));

    private void Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        // Reset whatever happened, so the statement is reusable and holds no read/write state.
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, Db);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, Db);
        }
    }
}
