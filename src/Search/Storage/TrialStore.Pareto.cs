using Dapper;
using Microsoft.Data.Sqlite;

namespace Apollo.Search.Storage;

/// <summary>One objective of a multi-objective study as stored: metric, direction, the baseline's value and the hypervolume reference (× the baseline's value).</summary>
public sealed record StoredObjective(string Metric, string Direction, string Unit, double Baseline, double Reference)
{
    public bool Minimize => Direction == "minimize";
}

/// <summary>What a batch of a multi-objective study adds: each completed trial's objective values (in its unit), and the hypervolume of every completed trial so far.</summary>
public sealed record ParetoBatch(IReadOnlyList<(int Number, IReadOnlyList<double> Values)> Trials, double Hypervolume);

/// <summary>A multi-objective study's stored objectives, every completed trial's values by number, and the hypervolume after each batch.</summary>
public sealed record ParetoData(IReadOnlyList<StoredObjective> Objectives, IReadOnlyDictionary<int, IReadOnlyList<double>> Values, IReadOnlyList<(int Batch, double Hypervolume)> Hypervolumes)
{
    /// <summary>The hypervolume after the last batch (0 before any).</summary>
    public double Hypervolume => Hypervolumes.Count == 0 ? 0 : Hypervolumes[^1].Hypervolume;
}

/// <summary>
/// The multi-objective tables (docs/storage.md): <c>study_objectives</c>, <c>trial_objectives</c>,
/// <c>batch_hypervolume</c>. Created by the first multi-objective study, like the ask/tell log: not a schema change
/// (the version stays 2); files without them read as before, and a study without rows there is single-objective.
/// </summary>
public sealed partial class TrialStore
{
    private const string ParetoTables = """
        CREATE TABLE IF NOT EXISTS study_objectives (
            study_id  INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
            position  INTEGER NOT NULL CHECK (position >= 0),
            metric    TEXT    NOT NULL,
            direction TEXT    NOT NULL CHECK (direction IN ('minimize', 'maximize')),
            unit      TEXT    NOT NULL,
            baseline  REAL    NOT NULL,
            reference REAL    NOT NULL,
            PRIMARY KEY (study_id, position)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS trial_objectives (
            study_id     INTEGER NOT NULL,
            trial_number INTEGER NOT NULL,
            position     INTEGER NOT NULL,
            value        REAL    NOT NULL,
            PRIMARY KEY (study_id, trial_number, position),
            FOREIGN KEY (study_id, trial_number) REFERENCES trials(study_id, number) ON DELETE CASCADE
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS batch_hypervolume (
            study_id    INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
            batch       INTEGER NOT NULL CHECK (batch >= 0),
            hypervolume REAL    NOT NULL CHECK (hypervolume >= 0),
            PRIMARY KEY (study_id, batch)
        ) WITHOUT ROWID;
        """;

    /// <summary>Records the objectives of a new multi-objective study (once, before its first batch); creates the tables on first use.</summary>
    /// <exception cref="StoreException">The store is read-only, or the study already has objectives.</exception>
    public void SetObjectives(long studyId, IReadOnlyList<StoredObjective> objectives)
    {
        ArgumentNullException.ThrowIfNull(objectives);
        ThrowIfNotWritable();
        Write($"recording the objectives of study {studyId}", transaction =>
        {
            _connection.Execute(ParetoTables, transaction: transaction);
            if (_connection.ExecuteScalar<long>("SELECT COUNT(*) FROM study_objectives WHERE study_id = @studyId", new { studyId }, transaction) > 0)
            {
                throw new StoreException($"Study {studyId} in '{Path}' already has objectives; nothing was written.");
            }

            for (var i = 0; i < objectives.Count; i++)
            {
                var o = objectives[i];
                _connection.Execute(
                    "INSERT INTO study_objectives (study_id, position, metric, direction, unit, baseline, reference) VALUES (@studyId, @i, @Metric, @Direction, @Unit, @Baseline, @Reference)",
                    new { studyId, i, o.Metric, o.Direction, o.Unit, o.Baseline, o.Reference },
                    transaction);
            }

            return 0;
        });
    }

    /// <summary>The study's multi-objective data, or null for a single-objective study (or a file without the tables).</summary>
    public ParetoData? LoadPareto(long studyId)
    {
        ThrowIfDisposed();
        return Read(() =>
        {
            if (_connection.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'study_objectives'") == 0)
            {
                return null;
            }

            var objectives = _connection.Query<StoredObjective>(
                "SELECT metric AS Metric, direction AS Direction, unit AS Unit, baseline AS Baseline, reference AS Reference FROM study_objectives WHERE study_id = @studyId ORDER BY position",
                new { studyId }).ToList();
            if (objectives.Count == 0)
            {
                return null;
            }

            var values = _connection.Query<(long Number, long Position, double Value)>(
                    "SELECT trial_number, position, value FROM trial_objectives WHERE study_id = @studyId ORDER BY trial_number, position", new { studyId })
                .GroupBy(r => (int)r.Number)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<double>)g.Select(r => r.Value).ToList());
            var hypervolumes = _connection.Query<(long Batch, double Hypervolume)>(
                    "SELECT batch, hypervolume FROM batch_hypervolume WHERE study_id = @studyId ORDER BY batch", new { studyId })
                .Select(r => ((int)r.Batch, r.Hypervolume)).ToList();
            return new ParetoData(objectives, values, hypervolumes);
        });
    }

    /// <summary>Writes a batch's objective values and hypervolume inside the batch's own transaction.</summary>
    private void InsertPareto(long studyId, int batch, ParetoBatch pareto, SqliteTransaction transaction)
    {
        foreach (var (number, values) in pareto.Trials)
        {
            for (var i = 0; i < values.Count; i++)
            {
                if (!double.IsFinite(values[i]))
                {
                    throw new StoreException($"Objective {i} of trial {number} is {values[i]}; the store holds finite numbers only. Nothing was written.");
                }

                _connection.Execute(
                    "INSERT INTO trial_objectives (study_id, trial_number, position, value) VALUES (@studyId, @number, @i, @value)",
                    new { studyId, number, i, value = values[i] },
                    transaction);
            }
        }

        _connection.Execute(
            "INSERT INTO batch_hypervolume (study_id, batch, hypervolume) VALUES (@studyId, @batch, @hv)",
            new { studyId, batch, hv = pareto.Hypervolume },
            transaction);
    }
}
