using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Apollo.Search.Storage;

/// <summary>A point to hand out by <see cref="TrialStore.RecordAsk"/>: its parameters in search-space order and who proposed it.</summary>
public sealed record AskedPoint(IReadOnlyList<KeyValuePair<string, double>> Parameters, string Proposer);

/// <summary>
/// One point handed out by <c>apollo ask</c> (docs/storage.md, <c>asked_trials</c>). Pending until told; then its
/// outcome is an ordinary row of <c>trials</c> with the same number and batch.
/// </summary>
/// <param name="Number">The trial number, dense over told and pending trials.</param>
/// <param name="Batch">The ask round (0-based) that first handed the point out.</param>
/// <param name="ToldBefore">How many trials had been told when that round was asked: where the round sits in the tell order.</param>
/// <param name="TellIndex">0-based position in the order of tells; null while pending.</param>
/// <param name="Parameters">The point, in search-space order.</param>
/// <param name="Proposer">The optimizer (or ensemble member) that proposed it.</param>
/// <param name="AskedAt">When the round was asked, UTC.</param>
public sealed record AskedTrial(int Number, int Batch, int ToldBefore, int? TellIndex, IReadOnlyList<KeyValuePair<string, double>> Parameters, string Proposer, DateTimeOffset AskedAt)
{
    /// <summary>Handed out and not told yet.</summary>
    public bool IsPending => TellIndex is null;
}

/// <summary>The ask/tell log: points handed out to an outside evaluator and the order their outcomes came back in.</summary>
public sealed partial class TrialStore
{
    /// <summary>Every point handed out for a study, by number; empty when the study was never driven by ask/tell.</summary>
    public IReadOnlyList<AskedTrial> LoadAsked(long studyId)
    {
        ThrowIfDisposed();
        return Read(() =>
        {
            using var transaction = _connection.BeginTransaction(deferred: true);
            var result = LoadAsked(studyId, transaction);
            transaction.Commit();
            return result;
        });
    }

    /// <summary>
    /// Records one ask round in one transaction: the points get the next numbers (after every told and pending
    /// trial), the next round number, and the current count of tells. Creates the log's tables on first use.
    /// </summary>
    /// <exception cref="StoreException">The store is read-only, the study does not exist, it has trials that were not
    /// asked (a study run by <c>apollo search</c>), or a parameter is not finite; nothing was written.</exception>
    public IReadOnlyList<AskedTrial> RecordAsk(long studyId, IReadOnlyList<AskedPoint> points, DateTimeOffset askedAt)
    {
        ArgumentNullException.ThrowIfNull(points);
        ThrowIfNotWritable();
        foreach (var point in points)
        {
            if (point.Parameters.FirstOrDefault(p => !double.IsFinite(p.Value)) is { Key: not null } bad)
            {
                throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"Parameter '{bad.Key}' is {bad.Value}; the store holds finite numbers only. Nothing was written."));
            }
        }

        return Write($"recording an ask for study {studyId}", transaction =>
        {
            _connection.Execute(StoreSchema.AskTellTables, transaction: transaction);
            var counts = _connection.QuerySingleOrDefault<AskCounts>(
                """
                SELECT (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id) AS Stored,
                       (SELECT COUNT(*) FROM asked_trials a WHERE a.study_id = s.id AND a.tell_index IS NOT NULL) AS Told,
                       (SELECT COUNT(*) FROM asked_trials a WHERE a.study_id = s.id) AS Asked,
                       (SELECT COALESCE(MAX(a.batch) + 1, 0) FROM asked_trials a WHERE a.study_id = s.id) AS NextBatch
                FROM studies s WHERE s.id = @studyId
                """,
                new { studyId },
                transaction) ?? throw new StoreException($"Study {studyId} does not exist in '{Path}'; nothing was written.");
            if (counts.Stored != counts.Told)
            {
                throw new StoreException(string.Create(CultureInfo.InvariantCulture,
                    $"Study {studyId} in '{Path}' has {counts.Stored - counts.Told} trials that were never asked (it is run by 'apollo search'); ask/tell drives only studies it created. Nothing was written."));
            }

            var at = IsoTimestamp.Format(askedAt);
            var asked = new List<AskedTrial>(points.Count);
            for (var i = 0; i < points.Count; i++)
            {
                var number = counts.Asked + i;
                _connection.Execute(
                    "INSERT INTO asked_trials (study_id, number, batch, told_before, tell_index, proposer, asked_at) VALUES (@studyId, @number, @batch, @told, NULL, @proposer, @at)",
                    new { studyId, number, batch = counts.NextBatch, told = counts.Told, proposer = points[i].Proposer, at },
                    transaction);
                var position = 0;
                foreach (var (name, value) in points[i].Parameters)
                {
                    _connection.Execute(
                        "INSERT INTO asked_parameters (study_id, trial_number, position, name, value) VALUES (@studyId, @number, @position, @name, @value)",
                        new { studyId, number, position = position++, name, value },
                        transaction);
                }

                asked.Add(new AskedTrial(number, counts.NextBatch, counts.Told, null, points[i].Parameters, points[i].Proposer, IsoTimestamp.Parse(at, "asked_at")));
            }

            return (IReadOnlyList<AskedTrial>)asked;
        });
    }

    /// <summary>
    /// Records the outcome of a pending trial in one transaction: inserts it into <c>trials</c> (number, batch and
    /// parameters as asked) and gives it the next place in the tell order.
    /// </summary>
    /// <returns>The trial's 0-based place in the tell order.</returns>
    /// <exception cref="StoreException">The trial was never asked, was told already, or its number, batch or
    /// parameters differ from what was asked; nothing was written.</exception>
    public int RecordTell(long studyId, TrialRecord trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ThrowIfNotWritable();
        ValidateTrial(trial);
        return Write(string.Create(CultureInfo.InvariantCulture, $"telling trial {trial.Number} of study {studyId}"), transaction =>
        {
            var asked = AskLogExists(transaction) ? LoadAsked(studyId, transaction).FirstOrDefault(a => a.Number == trial.Number) : null;
            if (asked is null)
            {
                throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"Trial {trial.Number} of study {studyId} in '{Path}' was never asked; nothing was written."));
            }

            if (asked.TellIndex is { } index)
            {
                throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"Trial {trial.Number} was told already (tell {index + 1} of the study); a trial is told once. Nothing was written."));
            }

            if (trial.Batch != asked.Batch || !SameParameters(asked.Parameters, trial.Parameters))
            {
                throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"Trial {trial.Number} is told with another batch or point than it was asked with; nothing was written."));
            }

            _inserter.Insert(studyId, trial);
            var tellIndex = _connection.ExecuteScalar<int>(
                "SELECT COALESCE(MAX(tell_index) + 1, 0) FROM asked_trials WHERE study_id = @studyId", new { studyId }, transaction);
            _connection.Execute(
                "UPDATE asked_trials SET tell_index = @tellIndex WHERE study_id = @studyId AND number = @number",
                new { studyId, number = trial.Number, tellIndex },
                transaction);
            return tellIndex;
        });
    }

    private static bool SameParameters(IReadOnlyList<KeyValuePair<string, double>> a, IReadOnlyList<KeyValuePair<string, double>> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Key == p.Second.Key && p.First.Value.Equals(p.Second.Value));

    private bool AskLogExists(SqliteTransaction? transaction) =>
        _connection.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'asked_trials'", transaction: transaction) > 0;

    /// <summary>Whether a study has points in the ask/tell log (so that <see cref="AppendBatch"/> must not write to it).</summary>
    private bool IsAskTellStudy(long studyId, SqliteTransaction transaction) =>
        AskLogExists(transaction)
        && _connection.ExecuteScalar<long>("SELECT COUNT(*) FROM asked_trials WHERE study_id = @studyId", new { studyId }, transaction) > 0;

    private List<AskedTrial> LoadAsked(long studyId, SqliteTransaction transaction)
    {
        if (!AskLogExists(transaction))
        {
            return [];
        }

        var parameters = _connection.Query<ParameterRow>(
            "SELECT trial_number AS TrialNumber, name AS Name, value AS Value FROM asked_parameters WHERE study_id = @studyId ORDER BY trial_number, position",
            new { studyId },
            transaction).ToLookup(p => p.TrialNumber);
        return _connection.Query<AskedRow>(
                """
                SELECT number AS Number, batch AS Batch, told_before AS ToldBefore, tell_index AS TellIndex, proposer AS Proposer, asked_at AS AskedAt
                FROM asked_trials WHERE study_id = @studyId ORDER BY number
                """,
                new { studyId },
                transaction)
            .Select(r => new AskedTrial(
                r.Number,
                r.Batch,
                r.ToldBefore,
                r.TellIndex,
                parameters[r.Number].Select(p => new KeyValuePair<string, double>(p.Name, p.Value)).ToList(),
                r.Proposer,
                IsoTimestamp.Parse(r.AskedAt, $"asked_at of trial {r.Number}")))
            .ToList();
    }

    private sealed class AskCounts
    {
        public int Stored { get; init; }

        public int Told { get; init; }

        public int Asked { get; init; }

        public int NextBatch { get; init; }
    }

    private sealed class AskedRow
    {
        public int Number { get; init; }

        public int Batch { get; init; }

        public int ToldBefore { get; init; }

        public int? TellIndex { get; init; }

        public string Proposer { get; init; } = "";

        public string AskedAt { get; init; } = "";
    }
}
