using Apollo.Search.Storage;
using Microsoft.Data.Sqlite;

namespace Apollo.Search.Tests.Storage;

public sealed class ShardMergerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A shard holding one study with trials 0..count-1 (mixed statuses, batches of 4).</summary>
    private string Shard(string file, string study, int count, int from = 0)
    {
        var path = _dir.File(file);
        using var store = TrialStore.Open(path);
        var id = (store.FindStudy(study) ?? store.CreateStudy(StoreTestData.Study(study))).Id;
        var trials = Enumerable.Range(from, count - from).Select(n => (n % 3) switch
        {
            0 => StoreTestData.Completed(n, n / 4, reward: 1 + n),
            1 => StoreTestData.Infeasible(n, n / 4),
            _ => StoreTestData.Failed(n, n / 4),
        }).ToList();
        store.AppendBatch(id, trials);
        return path;
    }

    private static Dictionary<string, int> Counts(string db)
    {
        using var store = TrialStore.OpenReadOnly(db);
        return store.ListStudies().ToDictionary(s => s.Study.Definition.Name, s => s.Trials);
    }

    [Fact]
    public void Every_study_of_every_shard_is_copied_with_identical_trials()
    {
        var a = Shard("a.db", "cell-a", 10);
        var b = Shard("b.db", "cell-b", 7);
        var output = _dir.File("out/merged.db");

        var report = new ShardMerger().Merge([a, b], output);

        Assert.True(report.Clean);
        Assert.All(report.Studies, s => Assert.Equal(StudyMergeAction.Copied, s.Action));
        Assert.Equal(new Dictionary<string, int> { ["cell-a"] = 10, ["cell-b"] = 7 }, Counts(output));
        using var source = TrialStore.OpenReadOnly(a);
        using var merged = TrialStore.OpenReadOnly(output);
        var expected = source.LoadTrials(source.FindStudy("cell-a")!.Id);
        var actual = merged.LoadTrials(merged.FindStudy("cell-a")!.Id);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            StoreTestData.AssertSame(expected[i], actual[i]);
        }

        Assert.Equal(StoreTestData.Study("cell-a"), merged.FindStudy("cell-a")!.Definition);
    }

    [Fact]
    public void A_schema_1_shard_is_read_as_is_and_a_schema_1_output_is_upgraded_first()
    {
        var shard = Apollo.Testing.StoreFixtures.CopyV1(_dir.File("v1-shard.db"));
        var shardBytes = File.ReadAllBytes(shard);
        var output = Apollo.Testing.StoreFixtures.CopyV1(_dir.File("v1-out.db"));

        var report = new ShardMerger().Merge([shard, Shard("b.db", "cell-b", 5)], output);

        Assert.True(report.Clean);
        Assert.Equal([StudyMergeAction.AlreadyPresent, StudyMergeAction.Copied], report.Studies.Select(s => s.Action));
        Assert.Equal(shardBytes, File.ReadAllBytes(shard));
        Assert.True(File.Exists(output + ".v1.bak"));
        using var merged = TrialStore.OpenReadOnly(output);
        Assert.Equal(TrialStore.SchemaVersion, merged.FileVersion);
        Assert.Equal(new Dictionary<string, int> { [Apollo.Testing.StoreFixtures.V1Study] = Apollo.Testing.StoreFixtures.V1Trials, ["cell-b"] = 5 }, Counts(output));
    }

    [Fact]
    public void Merging_the_same_shard_twice_changes_nothing()
    {
        var a = Shard("a.db", "cell-a", 10);
        var output = _dir.File("merged.db");
        new ShardMerger().Merge([a], output);

        var again = new ShardMerger().Merge([a, a], output);

        Assert.True(again.Clean);
        Assert.All(again.Studies, s => Assert.Equal(StudyMergeAction.AlreadyPresent, s.Action));
        Assert.Equal(0, again.Studies.Sum(s => s.TrialsAdded));
        Assert.Equal(new Dictionary<string, int> { ["cell-a"] = 10 }, Counts(output));
    }

    [Fact]
    public void A_resumed_shard_appends_only_its_new_trials()
    {
        var a = Shard("a.db", "cell-a", 8);
        var output = _dir.File("merged.db");
        new ShardMerger().Merge([a], output);
        Shard("a.db", "cell-a", 20, from: 8); // the cell was resumed after the first merge, with a larger budget
        using (var shard = TrialStore.Open(a))
        {
            shard.SetRequestedTrials(shard.FindStudy("cell-a")!.Id, 4_500);
        }

        var report = new ShardMerger().Merge([a], output);

        var study = Assert.Single(report.Studies);
        Assert.Equal(StudyMergeAction.Extended, study.Action);
        Assert.Equal(12, study.TrialsAdded);
        Assert.Equal(20, Counts(output)["cell-a"]);
        using var merged = TrialStore.OpenReadOnly(output);
        Assert.Equal(Enumerable.Range(0, 20), merged.LoadTrials(merged.FindStudy("cell-a")!.Id).Select(t => t.Number));
        Assert.Equal(4_500, merged.FindStudy("cell-a")!.Definition.RequestedTrials);
    }

    [Fact]
    public void A_study_with_the_same_name_and_other_trials_is_a_conflict_naming_the_study()
    {
        var a = Shard("a.db", "cell-a", 10);
        var other = _dir.File("other.db");
        using (var store = TrialStore.Open(other))
        {
            var id = store.CreateStudy(StoreTestData.Study("cell-a")).Id;
            store.AppendBatch(id, Enumerable.Range(0, 10).Select(n => StoreTestData.Completed(n, n / 4, reward: 100 + n)).ToList());
        }

        var output = _dir.File("merged.db");
        new ShardMerger().Merge([a], output);
        var report = new ShardMerger().Merge([other], output);

        Assert.False(report.Clean);
        var conflict = Assert.Single(report.Studies);
        Assert.Equal(StudyMergeAction.Conflict, conflict.Action);
        Assert.Contains("cell-a", conflict.Problem);
        Assert.Contains("trial 0", conflict.Problem);
        Assert.Equal(10, Counts(output)["cell-a"]); // neither duplicated nor replaced
    }

    [Fact]
    public void Bad_shards_are_reported_with_path_and_reason_and_the_good_ones_still_merge()
    {
        var good = Shard("good.db", "cell-good", 5);
        var text = _dir.File("notes.db");
        File.WriteAllText(text, "this is not a database\n");
        var future = Shard("future.db", "cell-future", 5);
        using (var connection = new SqliteConnection($"Data Source={future};Pooling=false"))
        {
            connection.Open();
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE schema_version SET version = 99";
            update.ExecuteNonQuery();
        }

        var torn = TornCopy(Shard("big.db", "cell-big", 400));
        var missing = _dir.File("missing.db");

        var report = new ShardMerger().Merge([text, good, future, torn, missing], _dir.File("merged.db"));

        Assert.False(report.Clean);
        Assert.Equal(["cell-good"], Counts(_dir.File("merged.db")).Keys);
        var reasons = report.BadShards.ToDictionary(b => b.Shard, b => b.Reason);
        Assert.Equal([text, future, torn, missing], reasons.Keys);
        Assert.Contains("not an SQLite database", reasons[text]);
        Assert.Contains("schema version 99", reasons[future]);
        Assert.Contains("file not found", reasons[missing]);
        Assert.NotEmpty(reasons[torn]);
    }

    /// <summary>A copy of a shard cut in the middle, as a crash during a copy to shared storage leaves it.</summary>
    private string TornCopy(string shard)
    {
        SqliteConnection.ClearAllPools();
        var torn = _dir.File("torn.db");
        var bytes = File.ReadAllBytes(shard);
        File.WriteAllBytes(torn, bytes[..(bytes.Length / 2)]);
        return torn;
    }
}
