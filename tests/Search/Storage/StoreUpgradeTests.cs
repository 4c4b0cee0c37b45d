using System.Security.Cryptography;
using Apollo.Compiler.Mapping;
using Apollo.Search.Storage;
using Apollo.Testing;
using Microsoft.Data.Sqlite;
using static Apollo.Search.Tests.Storage.StoreTestData;

namespace Apollo.Search.Tests.Storage;

/// <summary>
/// Schema 1 → 2 on the committed fixture (<see cref="StoreFixtures"/>): read-only opens read it as is, the first
/// open for writing backs it up and upgrades it in place, a newer schema is refused.
/// </summary>
public sealed class StoreUpgradeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_read_only_store_reads_schema_1_as_is_and_leaves_the_file_byte_identical()
    {
        var path = StoreFixtures.CopyV1(_temp.File("v1.db"));
        var before = Hash(path);

        using (var store = TrialStore.OpenReadOnly(path))
        {
            Assert.Equal(1, store.FileVersion);
            var summary = Assert.Single(store.ListStudies());
            Assert.Equal(StoreFixtures.V1Study, summary.Study.Definition.Name);
            var trials = store.LoadTrials(summary.Study.Id);
            Assert.Equal(Enumerable.Range(0, StoreFixtures.V1Trials), trials.Select(t => t.Number));
            Assert.Equal(summary.BestTrialNumber, store.BestTrial(summary.Study.Id)!.Number);

            // The fixture holds both stages; what schema 1 did not store reads as unknown.
            var reasons = trials.Select(t => t.Outcome).OfType<TrialOutcome.Infeasible>().Select(i => i.Reason).ToList();
            Assert.Contains(reasons, r => r.Stage == InfeasibilityStage.Area && r.Level == InfeasibilityLevel.AreaBudget);
            Assert.Contains(reasons, r => r.Stage == InfeasibilityStage.Compile && r.Layer is not null);
            Assert.All(reasons, r => Assert.Equal((null, null, null, null), (r.Workload, r.Needed, r.Available, r.Unit)));
            Assert.All(trials.SelectMany(t => t.Metrics), m => Assert.Equal((null, null), (m.EnergyJoules, m.PowerWatts)));
        }

        Assert.Equal(before, Hash(path));
        Assert.False(File.Exists(path + ".v1.bak"));
        Assert.Equal(1L, TrialStoreTests.ScalarRaw(path, "SELECT version FROM schema_version"));
    }

    [Fact]
    public void The_first_open_for_writing_backs_up_and_upgrades_in_place_and_every_trial_reads_the_same()
    {
        var path = StoreFixtures.CopyV1(_temp.File("v1.db"));
        var original = File.ReadAllBytes(path);
        var asV1 = ReadAll(path);

        using (var store = TrialStore.Open(path))
        {
            Assert.Equal(TrialStore.SchemaVersion, store.FileVersion);
            Assert.Equal(path + ".v1.bak", store.UpgradeBackup);
            var upgraded = store.LoadTrials(store.FindStudy(StoreFixtures.V1Study)!.Id);
            Assert.Equal(asV1.Count, upgraded.Count);
            for (var i = 0; i < asV1.Count; i++)
            {
                AssertSame(asV1[i], upgraded[i]);
            }
        }

        Assert.Equal(2L, TrialStoreTests.ScalarRaw(path, "SELECT version FROM schema_version"));
        // The backup is schema 1 with the same trials (VACUUM INTO rewrites pages, so it is not byte-identical).
        var backup = path + ".v1.bak";
        Assert.Equal(1L, TrialStoreTests.ScalarRaw(backup, "SELECT version FROM schema_version"));
        Assert.Equal(asV1.Count, ReadAll(backup).Count);
        Assert.NotEqual(original, File.ReadAllBytes(path));

        // Opening again does not upgrade or back up again.
        using (var again = TrialStore.Open(path))
        {
            Assert.Null(again.UpgradeBackup);
        }

        Assert.False(File.Exists(path + ".v1.2.bak"));
    }

    [Fact]
    public void An_upgraded_file_has_the_same_tables_as_a_new_one_and_takes_schema_2_trials()
    {
        var path = StoreFixtures.CopyV1(_temp.File("v1.db"));
        var fresh = _temp.File("fresh.db");
        TrialStore.Open(fresh).Dispose();

        using (var store = TrialStore.Open(path))
        {
            var id = store.FindStudy(StoreFixtures.V1Study)!.Id;
            TrialRecord[] added = [Infeasible(StoreFixtures.V1Trials, batch: 4), Completed(StoreFixtures.V1Trials + 1, batch: 4), Failed(StoreFixtures.V1Trials + 2, batch: 4)];
            store.AppendBatch(id, added);
            var loaded = store.LoadTrials(id).Skip(StoreFixtures.V1Trials).ToList();
            for (var i = 0; i < added.Length; i++)
            {
                AssertSame(added[i], loaded[i]);
            }
        }

        Assert.Equal(Schema(fresh), Schema(path));
    }

    [Fact]
    public void An_existing_backup_is_never_overwritten()
    {
        var path = StoreFixtures.CopyV1(_temp.File("v1.db"));
        File.WriteAllText(path + ".v1.bak", "an earlier backup");

        using (var store = TrialStore.Open(path))
        {
            Assert.Equal(path + ".v1.2.bak", store.UpgradeBackup);
        }

        Assert.Equal("an earlier backup", File.ReadAllText(path + ".v1.bak"));
        Assert.Equal(1L, TrialStoreTests.ScalarRaw(path + ".v1.2.bak", "SELECT version FROM schema_version"));
    }

    [Fact]
    public void Writers_opening_a_schema_1_file_at_once_upgrade_and_back_it_up_once()
    {
        // The cells of a local sweep share one file and open it together when the sweep is resumed.
        var path = StoreFixtures.CopyV1(_temp.File("v1.db"));
        using var start = new Barrier(4);
        var backups = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ =>
        {
            start.SignalAndWait();
            using var store = TrialStore.Open(path);
            Assert.Equal(TrialStore.SchemaVersion, store.FileVersion);
            return store.UpgradeBackup;
        }).ToList();

        Assert.Equal(path + ".v1.bak", Assert.Single(backups.OfType<string>()));
        Assert.False(File.Exists(path + ".v1.2.bak"));
        Assert.Equal(StoreFixtures.V1Trials, ReadAll(path).Count);
    }

    [Fact]
    public void A_newer_schema_is_refused_in_one_line_and_left_alone()
    {
        var path = _temp.File("v3.db");
        TrialStore.Open(path).Dispose();
        TrialStoreTests.ExecuteRaw(path, "UPDATE schema_version SET version = 3;");
        var before = Hash(path);

        foreach (var open in new Func<string, TrialStore>[] { TrialStore.Open, TrialStore.OpenReadOnly })
        {
            var e = Assert.Throws<StoreException>(() => open(path));
            Assert.Contains("schema version 3", e.Message);
            Assert.Contains("newer", e.Message);
            Assert.Contains(path, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }

        Assert.Equal(before, Hash(path));
        Assert.False(File.Exists(path + ".v1.bak"));
    }

    [Fact]
    public void A_write_protected_file_opened_for_writing_is_one_line_and_left_alone()
    {
        if (Environment.UserName == "root")
        {
            return; // root writes through file permissions; checked by hand as nobody (setpriv --reuid=65534)
        }

        var path = StoreFixtures.CopyV1(_temp.File("v1.db"));
        File.SetAttributes(path, FileAttributes.ReadOnly);
        var before = Hash(path);

        var e = Assert.Throws<StoreException>(() => TrialStore.Open(path));
        Assert.Contains("read-only", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(before, Hash(path));
        Assert.False(File.Exists(path + ".v1.bak"));
        File.SetAttributes(path, FileAttributes.Normal);
    }

    [Theory]
    [InlineData("completed", "-1")]
    [InlineData("completed", "0")]
    [InlineData("completed", "9e999")] // SQLite reads an overflowing literal as +Infinity
    [InlineData("completed", "'NaN'")]
    [InlineData("infeasible", "0.5")]
    [InlineData("completed", "'high'")]
    public void A_hand_edited_reward_is_a_store_exception_naming_study_and_trial(string status, string reward)
    {
        foreach (var upgrade in new[] { false, true })
        {
            var path = StoreFixtures.CopyV1(_temp.File($"edited-{upgrade}.db"));
            var number = (long)TrialStoreTests.ScalarRaw(path, $"SELECT MIN(number) FROM trials WHERE status = '{status}'")!;
            TrialStoreTests.ExecuteRaw(path, $"UPDATE trials SET reward = {reward} WHERE number = {number};");

            using var store = upgrade ? TrialStore.Open(path) : TrialStore.OpenReadOnly(path);
            var e = Assert.Throws<StoreException>(() => store.LoadTrials(store.FindStudy(StoreFixtures.V1Study)!.Id));
            Assert.Contains(reward == "'high'" ? "Reward=high" : $"Trial {number} of study '{StoreFixtures.V1Study}'", e.Message);
            Assert.Contains("reward", e.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void Schema_1_failed_trials_read_as_failed_with_their_message()
    {
        var path = StoreFixtures.CopyV1(_temp.File("v1.db"));
        TrialStoreTests.ExecuteRaw(path, $"""
            INSERT INTO trials (study_id, number, batch, status, reward, area_mm2, stage, level, layer, reason, proposer, evaluation_ms, finished_at)
            VALUES (1, {StoreFixtures.V1Trials}, 4, 'failed', 0, NULL, 'evaluation', NULL, NULL, 'OverflowException: boom', 'evolution', 1.5, '2026-12-01T00:00:00.0000000Z');
            """);

        using var store = TrialStore.OpenReadOnly(path);
        var failed = store.LoadTrials(1)[^1];
        Assert.Equal("OverflowException: boom", Assert.IsType<TrialOutcome.Failed>(failed.Outcome).Error);
    }

    private static IReadOnlyList<TrialRecord> ReadAll(string path)
    {
        using var store = TrialStore.OpenReadOnly(path);
        return store.LoadTrials(store.FindStudy(StoreFixtures.V1Study)!.Id);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static List<string> Schema(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_schema ORDER BY name";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
