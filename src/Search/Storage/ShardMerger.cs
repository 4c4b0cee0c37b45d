using Microsoft.Data.Sqlite;

namespace Apollo.Search.Storage;

/// <summary>What merging did with one study of one shard.</summary>
public enum StudyMergeAction
{
    /// <summary>The study was not in the output and was copied whole.</summary>
    Copied,

    /// <summary>The output held a prefix of the shard's trials (the shard was resumed since); the rest was appended.</summary>
    Extended,

    /// <summary>The output already held every trial of the shard's study, identical: nothing to do.</summary>
    AlreadyPresent,

    /// <summary>The output holds a study of the same name with other settings or other trials: not touched.</summary>
    Conflict,
}

/// <summary>One study of one shard and what happened to it.</summary>
public sealed record StudyMerge(string Shard, string Study, StudyMergeAction Action, int TrialsAdded, string? Problem);

/// <summary>A shard that could not be merged at all, and why (not SQLite, torn, newer schema version, missing).</summary>
public sealed record ShardProblem(string Shard, string Reason);

/// <summary>Everything a merge did: per study, and the shards it refused.</summary>
public sealed record MergeReport(IReadOnlyList<StudyMerge> Studies, IReadOnlyList<ShardProblem> BadShards)
{
    /// <summary>True when every shard was readable and no study conflicted.</summary>
    public bool Clean => BadShards.Count == 0 && Studies.All(s => s.Action != StudyMergeAction.Conflict);
}

/// <summary>
/// Combines SQLite shards (one per sweep cell or Slurm task) into one trial store, idempotently: a study already in
/// the output with identical trials is skipped, a study whose output copy is a prefix of the shard's (the shard was
/// resumed) gets the missing trials appended, and a study whose stored settings or trials differ is reported as a
/// conflict and never silently skipped or duplicated. A shard that is not an SQLite database, fails
/// <c>PRAGMA integrity_check</c> or has a newer schema version is reported with its path and reason (a schema-1
/// shard is read as is; a schema-1 output is upgraded by <see cref="TrialStore.Open"/>); the other
/// shards are still merged. Trials are appended in chunks of <see cref="ChunkSize"/> per transaction, so a merge
/// that is killed leaves a prefix that the next merge completes.
/// </summary>
public sealed class ShardMerger
{
    /// <summary>Trials per transaction when copying a study.</summary>
    public const int ChunkSize = 1000;

    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>Merges <paramref name="shards"/> into the store at <paramref name="output"/> (created if missing).</summary>
    /// <exception cref="StoreException">The output itself cannot be opened as a trial store.</exception>
    public MergeReport Merge(IEnumerable<string> shards, string output)
    {
        var outputPath = Path.GetFullPath(output);
        var studies = new List<StudyMerge>();
        var bad = new List<ShardProblem>();
        using var target = TrialStore.Open(outputPath);
        foreach (var shard in shards.Select(Path.GetFullPath))
        {
            if (shard == outputPath)
            {
                bad.Add(new ShardProblem(shard, "it is the output database itself"));
                continue;
            }

            if (Unreadable(shard) is { } reason)
            {
                bad.Add(new ShardProblem(shard, reason));
                continue;
            }

            try
            {
                using var source = TrialStore.OpenReadOnly(shard);
                if (source.CheckIntegrity() is { Count: > 0 } problems)
                {
                    bad.Add(new ShardProblem(shard, "PRAGMA integrity_check failed: " + string.Join("; ", problems.Take(3))));
                    continue;
                }

                foreach (var summary in source.ListStudies())
                {
                    studies.Add(MergeStudy(shard, source, summary.Study, target));
                }
            }
            catch (Exception e) when (e is StoreException or SqliteException)
            {
                bad.Add(new ShardProblem(shard, e.Message));
            }
        }

        return new MergeReport(studies, bad);
    }

    /// <summary>A multi-objective study: its objectives (when new), then batch by batch its trials with their values and hypervolume.</summary>
    private static void CopyPareto(TrialStore target, long id, bool created, IReadOnlyList<TrialRecord> missing, ParetoData pareto)
    {
        if (created)
        {
            target.SetObjectives(id, pareto.Objectives);
        }

        var hypervolumes = pareto.Hypervolumes.ToDictionary(h => h.Batch, h => h.Hypervolume);
        foreach (var batch in missing.GroupBy(t => t.Batch))
        {
            var trials = batch.ToList();
            var values = trials.Where(t => pareto.Values.ContainsKey(t.Number)).Select(t => (t.Number, pareto.Values[t.Number])).ToList();
            target.AppendBatch(id, trials, hypervolumes.TryGetValue(batch.Key, out var hv) ? new ParetoBatch(values, hv) : null);
        }
    }

    private static StudyMerge MergeStudy(string shard, TrialStore source, StudyInfo study, TrialStore target)
    {
        var name = study.Definition.Name;
        var trials = source.LoadTrials(study.Id);
        using var writer = target.AcquireWriter(name);
        var existing = target.FindStudy(name);
        var have = (IReadOnlyList<TrialRecord>)[];
        if (existing is not null)
        {
            // The trial budget may differ: a resumed run can extend it (the longer one is kept below).
            if (existing.Definition with { RequestedTrials = study.Definition.RequestedTrials } != study.Definition)
            {
                return new StudyMerge(shard, name, StudyMergeAction.Conflict, 0,
                    $"study '{name}' exists in the output with other settings ({Describe(existing.Definition)}) than in the shard ({Describe(study.Definition)})");
            }

            have = target.LoadTrials(existing.Id);
            var common = Math.Min(have.Count, trials.Count);
            for (var i = 0; i < common; i++)
            {
                if (!TrialComparer.Same(have[i], trials[i]))
                {
                    return new StudyMerge(shard, name, StudyMergeAction.Conflict, 0,
                        $"study '{name}' exists in the output with different trials (first difference at trial {trials[i].Number})");
                }
            }

            if (have.Count >= trials.Count)
            {
                return new StudyMerge(shard, name, StudyMergeAction.AlreadyPresent, 0, null);
            }
        }

        var id = (existing ?? target.CreateStudy(study.Definition)).Id;
        var missing = trials.Skip(have.Count).ToList();
        var pareto = source.LoadPareto(study.Id);
        if (pareto is null)
        {
            foreach (var chunk in missing.Chunk(ChunkSize))
            {
                target.AppendBatch(id, chunk);
            }
        }
        else
        {
            CopyPareto(target, id, existing is null, missing, pareto);
        }

        if (existing is not null && existing.Definition.RequestedTrials < study.Definition.RequestedTrials)
        {
            target.SetRequestedTrials(id, study.Definition.RequestedTrials);
        }

        return new StudyMerge(shard, name, existing is null ? StudyMergeAction.Copied : StudyMergeAction.Extended, missing.Count, null);
    }

    private static string Describe(StudyDefinition d) =>
        FormattableString.Invariant($"optimizer {d.Optimizer}, seed {d.Seed}, budget {d.AreaBudgetMm2} mm², {d.RequestedTrials} trials, batch {d.BatchSize}");

    /// <summary>Cheap checks before SQLite opens the file (opening a non-database read-only can succeed lazily).</summary>
    private static string? Unreadable(string shard)
    {
        if (!File.Exists(shard))
        {
            return "file not found";
        }

        try
        {
            using var stream = File.OpenRead(shard);
            var header = new byte[SqliteHeader.Length];
            var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            return read == header.Length && header.AsSpan().SequenceEqual(SqliteHeader)
                ? null
                : $"not an SQLite database (the file does not start with the SQLite header; {stream.Length} bytes)";
        }
        catch (IOException e)
        {
            return "cannot read: " + e.Message;
        }
    }

    /// <summary>Equality of stored trials: every field, parameters in order; outcomes compare by value (metrics in order).</summary>
    private static class TrialComparer
    {
        public static bool Same(TrialRecord a, TrialRecord b) =>
            Bare(a) == Bare(b) && a.Parameters.SequenceEqual(b.Parameters);

        // The parameter list compares by reference in record equality: replace it by one shared empty instance.
        private static TrialRecord Bare(TrialRecord t) => t with { Parameters = Array.Empty<KeyValuePair<string, double>>() };
    }
}
