using Apollo.Search.Storage;
using Microsoft.Data.Sqlite;
using static Apollo.Search.Tests.Storage.StoreTestData;

namespace Apollo.Search.Tests.Storage;

/// <summary>The store contract: what a study runner and the reports rely on.</summary>
public sealed class TrialStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string DbPath => _temp.File("trials.db");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Every_field_round_trips_bit_exactly()
    {
        TrialRecord[] trials = [Completed(0), Infeasible(1), Failed(2), Completed(3, batch: 1, reward: 0.1 + 0.7), OverBudget(4, batch: 1)];
        long id;
        using (var store = TrialStore.Open(DbPath))
        {
            id = store.CreateStudy(Study()).Id;
            store.AppendBatch(id, trials[..3]);
            store.AppendBatch(id, trials[3..]);
        }

        using var reopened = TrialStore.Open(DbPath);
        var loaded = reopened.LoadTrials(id);
        Assert.Equal(trials.Length, loaded.Count);
        for (var i = 0; i < trials.Length; i++)
        {
            AssertSame(trials[i], loaded[i]);
        }
    }

    [Fact]
    public void Negative_zero_reads_back_as_positive_zero_as_documented()
    {
        // SQLite stores integral REAL values as integers on disk, which drops the sign of -0.0.
        using var store = TrialStore.Open(DbPath);
        var id = store.CreateStudy(Study()).Id;
        store.AppendBatch(id, [Completed(0) with { Parameters = [new("x", -0.0)] }]);

        var loaded = Assert.Single(store.LoadTrials(id));

        Assert.Equal(0L, BitConverter.DoubleToInt64Bits(loaded.Parameters[0].Value));
    }

    [Fact]
    public void Study_definition_round_trips_and_is_found_by_name()
    {
        using var store = TrialStore.Open(DbPath);
        var definition = Study() with { AreaBudgetMm2 = 0.1 + 0.2, ConfigSnapshot = "a: 1\n# «yaml»\nb: [2, 3]\n" };
        var created = store.CreateStudy(definition);

        var found = store.FindStudy(definition.Name);

        Assert.Equal(created, found);
        Assert.Equal(definition, found!.Definition);
        Assert.Equal(TimeSpan.Zero, found.CreatedAt.Offset);
        Assert.InRange(found.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Null(store.FindStudy("missing"));
    }

    [Fact]
    public void Study_names_are_unique()
    {
        using var store = TrialStore.Open(DbPath);
        store.CreateStudy(Study("s"));

        var ex = Assert.Throws<StoreException>(() => store.CreateStudy(Study("s") with { Seed = 7 }));

        Assert.Contains("'s' already exists", ex.Message);
        Assert.Single(store.ListStudies());
    }

    [Fact]
    public void Numbering_must_be_dense()
    {
        using var store = TrialStore.Open(DbPath);
        var id = store.CreateStudy(Study()).Id;

        var notFromZero = Assert.Throws<StoreException>(() => store.AppendBatch(id, [Completed(1)]));
        Assert.Contains("next number must be 0", notFromZero.Message);

        store.AppendBatch(id, [Completed(0), Completed(1)]);
        Assert.Throws<StoreException>(() => store.AppendBatch(id, [Completed(1)]));
        Assert.Throws<StoreException>(() => store.AppendBatch(id, [Completed(3)]));
        var gap = Assert.Throws<StoreException>(() => store.AppendBatch(id, [Completed(2), Completed(4)]));
        Assert.Contains("not densely numbered", gap.Message);

        store.AppendBatch(id, [Completed(2)]);
        Assert.Equal([0, 1, 2], store.LoadTrials(id).Select(t => t.Number));
    }

    [Fact]
    public void Numbering_is_per_study()
    {
        using var store = TrialStore.Open(DbPath);
        var a = store.CreateStudy(Study("a")).Id;
        var b = store.CreateStudy(Study("b")).Id;

        store.AppendBatch(a, [Completed(0), Completed(1)]);
        store.AppendBatch(b, [Infeasible(0)]);

        Assert.Equal(2, store.LoadTrials(a).Count);
        Assert.Equal(TrialStatus.Infeasible, Assert.Single(store.LoadTrials(b)).Status);
    }

    [Fact]
    public void A_batch_that_fails_inside_the_transaction_writes_nothing()
    {
        using (var setup = TrialStore.Open(DbPath))
        {
            var studyId = setup.CreateStudy(Study()).Id;
            setup.AppendBatch(studyId, [Completed(0)]);
        }

        // A trigger makes SQLite itself fail half-way through the batch, after rows were inserted.
        ExecuteRaw(DbPath, "CREATE TRIGGER fail_at_3 BEFORE INSERT ON trial_metrics WHEN NEW.trial_number = 3 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
        using var store = TrialStore.Open(DbPath);
        var id = store.FindStudy("study-a")!.Id;

        var ex = Assert.Throws<StoreException>(() => store.AppendBatch(id, [Completed(1), Infeasible(2), Completed(3), Completed(4)]));

        Assert.Contains("injected failure", ex.Message);
        Assert.Equal([0], store.LoadTrials(id).Select(t => t.Number));
        Assert.Equal(0, CountRaw(DbPath, "SELECT COUNT(*) FROM trial_parameters WHERE trial_number > 0"));

        // The store is usable afterwards: the connection is not left inside a transaction.
        ExecuteRaw(DbPath, "DROP TRIGGER fail_at_3;");
        store.AppendBatch(id, [Completed(1), Infeasible(2), Completed(3), Completed(4)]);
        Assert.Equal([0, 1, 2, 3, 4], store.LoadTrials(id).Select(t => t.Number));
    }

    [Fact]
    public void Invalid_trials_are_refused_before_anything_is_written()
    {
        using var store = TrialStore.Open(DbPath);
        var id = store.CreateStudy(Study()).Id;
        var repeated = Completed(1) with { Parameters = [new("x", 1), new("x", 2)] };
        var nanParameter = Completed(1) with { Parameters = [new("x", double.NaN)] };
        var infiniteTime = Completed(1) with { EvaluationMilliseconds = double.PositiveInfinity };

        // Rewards and metrics are checked by the outcome's constructor (TrialOutcomeTests); the rest here.
        Assert.Contains("repeated", Assert.Throws<StoreException>(() => store.AppendBatch(id, [Completed(0), repeated])).Message);
        Assert.Contains("NaN", Assert.Throws<StoreException>(() => store.AppendBatch(id, [Completed(0), nanParameter])).Message);
        Assert.Contains("evaluation time", Assert.Throws<StoreException>(() => store.AppendBatch(id, [Completed(0), infiniteTime])).Message);
        Assert.Contains("does not exist", Assert.Throws<StoreException>(() => store.AppendBatch(id + 1, [Completed(0)])).Message);
        Assert.Empty(store.LoadTrials(id));
        store.AppendBatch(id, []);
        Assert.Empty(store.LoadTrials(id));
    }

    [Fact]
    public void Another_schema_version_is_refused_naming_file_and_versions()
    {
        TrialStore.Open(DbPath).Dispose();
        ExecuteRaw(DbPath, "UPDATE schema_version SET version = 7;");

        var ex = Assert.Throws<StoreException>(() => TrialStore.Open(DbPath));
        var readOnly = Assert.Throws<StoreException>(() => TrialStore.OpenReadOnly(DbPath));

        foreach (var message in new[] { ex.Message, readOnly.Message })
        {
            Assert.Contains(DbPath, message);
            Assert.Contains("schema version 7", message);
            Assert.Contains($"schema version {TrialStore.SchemaVersion}", message);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused_and_left_alone()
    {
        var text = string.Concat(Enumerable.Repeat("search:\n  optimizer: random\n", 100));
        File.WriteAllText(DbPath, text);

        var ex = Assert.Throws<StoreException>(() => TrialStore.Open(DbPath));

        Assert.Contains(DbPath, ex.Message);
        Assert.Contains("not an SQLite database", ex.Message);
        Assert.Equal(text, File.ReadAllText(DbPath));
        Assert.Throws<StoreException>(() => TrialStore.OpenReadOnly(DbPath));
    }

    [Fact]
    public void A_foreign_sqlite_database_is_refused()
    {
        ExecuteRaw(DbPath, "CREATE TABLE other (x INTEGER);");

        var ex = Assert.Throws<StoreException>(() => TrialStore.Open(DbPath));

        Assert.Contains("not an Apollo trial store", ex.Message);
    }

    [Fact]
    public void Open_creates_missing_directories_and_uses_wal()
    {
        var nested = _temp.File(Path.Combine("a", "b", "trials.db"));
        using (var store = TrialStore.Open(nested))
        {
            Assert.Equal(nested, store.Path);
            store.CreateStudy(Study());
        }

        Assert.Equal("wal", ScalarRaw(nested, "PRAGMA journal_mode;"));
        Assert.Equal(2L, ScalarRaw(nested, "SELECT version FROM schema_version;"));
    }

    [Fact]
    public void Read_only_store_reads_and_refuses_writes()
    {
        Assert.Contains("does not exist", Assert.Throws<StoreException>(() => TrialStore.OpenReadOnly(DbPath)).Message);
        long id;
        using (var writer = TrialStore.Open(DbPath))
        {
            id = writer.CreateStudy(Study()).Id;
            writer.AppendBatch(id, [Completed(0), Infeasible(1)]);
        }

        using var reader = TrialStore.OpenReadOnly(DbPath);

        Assert.True(reader.IsReadOnly);
        Assert.Equal(2, reader.LoadTrials(id).Count);
        Assert.Single(reader.ListStudies());
        Assert.Throws<StoreException>(() => reader.CreateStudy(Study("other")));
        Assert.Throws<StoreException>(() => reader.AppendBatch(id, [Completed(2)]));
    }

    [Fact]
    public void Readers_see_committed_batches_while_a_writer_is_open()
    {
        using var writer = TrialStore.Open(DbPath);
        var id = writer.CreateStudy(Study()).Id;
        writer.AppendBatch(id, [Completed(0)]);

        using var reader = TrialStore.OpenReadOnly(DbPath);
        Assert.Single(reader.LoadTrials(id));
        writer.AppendBatch(id, [Completed(1)]);
        Assert.Equal(2, reader.LoadTrials(id).Count);
    }

    [Fact]
    public void Writers_of_different_studies_share_a_file()
    {
        long[] ids;
        using (var setup = TrialStore.Open(DbPath))
        {
            ids = [setup.CreateStudy(Study("a")).Id, setup.CreateStudy(Study("b")).Id];
        }

        // Each writer has its own connection; SQLite serializes their transactions (busy timeout, not errors).
        Parallel.ForEach(ids, new ParallelOptions { MaxDegreeOfParallelism = 2 }, id =>
        {
            using var store = TrialStore.Open(DbPath);
            for (var batch = 0; batch < 20; batch++)
            {
                store.AppendBatch(id, Enumerable.Range(batch * 5, 5).Select(n => Completed(n, batch)).ToList());
            }
        });

        using var reader = TrialStore.OpenReadOnly(DbPath);
        Assert.All(reader.ListStudies(), s => Assert.Equal(100, s.Trials));
        Assert.Equal(Enumerable.Range(0, 100), reader.LoadTrials(ids[1]).Select(t => t.Number));
    }

    [Fact]
    public void ListStudies_counts_trials_and_finds_the_best()
    {
        using var store = TrialStore.Open(DbPath);
        var a = store.CreateStudy(Study("a")).Id;
        var b = store.CreateStudy(Study("b")).Id;
        store.CreateStudy(Study("empty"));
        store.AppendBatch(a, [Completed(0, reward: 0.9), Infeasible(1), Completed(2, reward: 1.25), Failed(3)]);
        store.AppendBatch(a, [Completed(4, batch: 1, reward: 1.25), Completed(5, batch: 1, reward: 1.1)]);
        store.AppendBatch(b, [Infeasible(0), Failed(1)]);

        var summaries = store.ListStudies();

        Assert.Equal(["a", "b", "empty"], summaries.Select(s => s.Study.Definition.Name));
        var (sa, sb, se) = (summaries[0], summaries[1], summaries[2]);
        Assert.Equal((6, 4, 1.25, (int?)2), (sa.Trials, sa.Feasible, sa.BestReward, sa.BestTrialNumber));
        Assert.Equal((2, 0, 0.0, (int?)null), (sb.Trials, sb.Feasible, sb.BestReward, sb.BestTrialNumber));
        Assert.Equal((0, 0, 0.0, (int?)null), (se.Trials, se.Feasible, se.BestReward, se.BestTrialNumber));
        Assert.Equal(store.FindStudy("a"), sa.Study);
    }

    [Fact]
    public void BestTrial_is_the_highest_completed_reward_lowest_number_on_ties()
    {
        using var store = TrialStore.Open(DbPath);
        var id = store.CreateStudy(Study()).Id;
        Assert.Null(store.BestTrial(id));
        store.AppendBatch(id, [Infeasible(0), Failed(1)]);
        Assert.Null(store.BestTrial(id));

        store.AppendBatch(id, [Completed(2, reward: 1.1), Completed(3, reward: 1.3), Completed(4, reward: 1.3)]);

        var best = store.BestTrial(id);
        Assert.NotNull(best);
        AssertSame(Completed(3, reward: 1.3), best);
    }

    [Fact]
    public void A_disposed_store_releases_the_file()
    {
        var store = TrialStore.Open(DbPath);
        store.CreateStudy(Study());
        store.Dispose();
        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.ListStudies());
        File.Move(DbPath, DbPath + ".moved");
        Assert.False(File.Exists(DbPath + "-wal"));
    }

    internal static void ExecuteRaw(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static object? ScalarRaw(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static long CountRaw(string path, string sql) => (long)ScalarRaw(path, sql)!;
}
