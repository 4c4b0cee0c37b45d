using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Apollo.Search.Storage;
using Apollo.Testing;
using Microsoft.Data.Sqlite;

namespace Apollo.Cli.Tests;

/// <summary>
/// The committed schema-1 fixture through the CLI (<see cref="StoreFixtures"/>): read-only commands print what the
/// schema-1 code printed and leave the file byte-identical; <c>search --resume</c> backs it up, upgrades it and
/// continues the study as an uninterrupted run would have.
/// </summary>
public sealed class StoreUpgradeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apollo-upgrade-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>
    /// A copy of the fixture whose config snapshot names files in this checkout rather than where it was written
    /// (resume compares the space, baseline and workload paths). Only the snapshot text changes.
    /// </summary>
    private string Fixture(string name = "v1.db")
    {
        var path = StoreFixtures.CopyV1(Path.Combine(_dir, name));
        Execute(path, "UPDATE studies SET config_snapshot = replace(config_snapshot, @from, @to)",
            ("@from", StoreFixtures.WrittenUnder + "/"), ("@to", Path.TrimEndingDirectorySeparator(RepositoryPaths.Root) + "/"));
        return path;
    }

    /// <summary>Edits the file behind Apollo's back, as a user with the sqlite3 CLI would.</summary>
    private static void Execute(string db, string sql, params (string Name, string Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Read_only_commands_print_what_schema_1_printed_and_leave_the_file_byte_identical()
    {
        var db = Fixture();
        var before = Hash(db);

        var json = await CliRunner.Run("trials", db, "--format", "json");
        Assert.True(json.ExitCode == 0, json.Error);
        // Every field the schema-1 code printed is printed the same; fields added since (typed reason numbers,
        // energy and power) are null for a schema-1 file, which never knew them.
        var printed = Lines(json.Out).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var v1 = (await File.ReadAllLinesAsync(StoreFixtures.V1TrialsJson)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(v1.Count, printed.Count);
        foreach (var (old, now) in v1.Zip(printed))
        {
            AssertPrintsAtLeast(old, now, $"trial {old["number"]}");
            Assert.All(new[] { "needed", "available", "unit" }, k => Assert.Null(now[k]));
        }

        foreach (var args in new[] { ["studies", db], ["trials", db], ["trials", db, "--format", "csv"], ["best", db], ["summary", db], new[] { "report", db, "--no-maps", "--out", Path.Combine(_dir, "report") } })
        {
            var r = await CliRunner.Run(args);
            Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)}: {r.Error}");
        }

        Assert.Equal(before, Hash(db));
        Assert.False(File.Exists(db + ".v1.bak"));
    }

    [Fact]
    public async Task Resume_upgrades_the_fixture_and_continues_it_as_an_uninterrupted_run()
    {
        var db = Fixture();
        const int trials = StoreFixtures.V1Trials + 16;
        var count = trials.ToString(CultureInfo.InvariantCulture);

        // The fixture's own config no longer replays (evolution's defaults changed): resume refuses it in one line.
        var refused = await CliRunner.Run("search", StoreFixtures.V1Config, "--db", db, "--resume", "--trials", count, "--no-report");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("does not replay", Assert.Single(Lines(refused.Error)), StringComparison.Ordinal);
        Assert.Equal(StoreFixtures.V1Trials, Trials(db).Count);

        var resumed = await CliRunner.Run("search", StoreFixtures.V1ConfigFirstDefaults, "--db", db, "--resume", "--trials", count, "--no-report");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains($"({StoreFixtures.V1Trials} resumed)", resumed.Out);
        Assert.True(File.Exists(db + ".v1.bak"));

        // The fixture's 32 trials were measured by model 1 (docs/model.md, model_version), so a fresh run under
        // the current model is no reference for the continuation: the evolution optimizer breeds from the stored
        // rewards. What resume must guarantee is determinism: a second copy resumed the same way is identical.
        var reference = Path.Combine(_dir, "reference.db");
        File.Copy(db + ".v1.bak", reference);
        var again = await CliRunner.Run("search", StoreFixtures.V1ConfigFirstDefaults, "--db", reference, "--resume", "--trials", count, "--no-report");
        Assert.True(again.ExitCode == 0, again.Error);

        var continued = Trials(db);
        Assert.Equal(Enumerable.Range(0, trials), continued.Select(t => t.Number));
        // The fixture's outcomes were computed by the model of its day. Since the mapspace became complete
        // (issue 8) a fresh run evaluates some of the same points differently, and evolution's later children
        // follow the outcomes, so only what does not depend on the model is compared with the fresh run: the
        // first batch (the seeded initial population). The replayed trials are checked against the fixture's
        // JSON below.
        const int firstBatch = 8;
        Assert.Equal(Fingerprint(Trials(reference)).Take(firstBatch).Select(Points), Fingerprint(continued).Take(firstBatch).Select(Points));

        // The upgraded file still prints the schema-1 trials as schema 1 did; the new ones carry their numbers.
        var json = Lines((await CliRunner.Run("trials", db, "--format", "json")).Out);
        var v1 = await File.ReadAllLinesAsync(StoreFixtures.V1TrialsJson);
        Assert.Equal(v1.Length, json.Take(StoreFixtures.V1Trials).Count());
        foreach (var (old, now) in v1.Zip(json))
        {
            AssertPrintsAtLeast(JsonNode.Parse(old), JsonNode.Parse(now), "upgraded trial");
        }
        Assert.All(
            continued.Skip(StoreFixtures.V1Trials).Select(t => t.Outcome).OfType<TrialOutcome.Infeasible>(),
            i => Assert.NotNull(i.Reason.Needed));
    }

    [Fact]
    public async Task A_hand_edited_reward_stops_resume_with_one_line_naming_study_and_trial()
    {
        var db = Fixture();
        Execute(db, "UPDATE trials SET reward = -3 WHERE number = (SELECT MIN(number) FROM trials WHERE status = 'completed')");

        var r = await CliRunner.Run("search", StoreFixtures.V1Config, "--db", db, "--resume", "--trials", "40", "--no-report");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(Lines(r.Error));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains($"of study '{StoreFixtures.V1Study}'", line);

        var listing = await CliRunner.Run("trials", db);
        Assert.Equal(2, listing.ExitCode);
        Assert.Single(Lines(listing.Error));
    }

    [Fact]
    public async Task A_newer_schema_is_refused_by_every_command_with_one_line()
    {
        var db = Fixture();
        Execute(db, "UPDATE schema_version SET version = 3");

        var before = Hash(db);
        foreach (var args in new[] { ["trials", db], new[] { "search", StoreFixtures.V1Config, "--db", db, "--resume", "--no-report" } })
        {
            var r = await CliRunner.Run(args);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("schema version 3", Assert.Single(Lines(r.Error)));
        }

        Assert.Equal(before, Hash(db));
    }

    /// <summary>Every value of <paramref name="old"/> is in <paramref name="now"/>, recursively; objects may have gained fields.</summary>
    private static void AssertPrintsAtLeast(JsonNode? old, JsonNode? now, string where)
    {
        switch (old)
        {
            case JsonObject o:
                var n = Assert.IsType<JsonObject>(now);
                foreach (var (key, value) in o)
                {
                    AssertPrintsAtLeast(value, n[key], $"{where}.{key}");
                }

                break;
            case JsonArray a:
                var m = Assert.IsType<JsonArray>(now);
                Assert.True(a.Count == m.Count, $"{where}: {a.Count} items, now {m.Count}");
                for (var i = 0; i < a.Count; i++)
                {
                    AssertPrintsAtLeast(a[i], m[i], $"{where}[{i}]");
                }

                break;
            default:
                Assert.True(JsonNode.DeepEquals(old, now), $"{where} was {old?.ToJsonString()}, now {now?.ToJsonString()}");
                break;
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static IReadOnlyList<TrialRecord> Trials(string db)
    {
        using var store = TrialStore.OpenReadOnly(db);
        return store.LoadTrials(store.FindStudy(StoreFixtures.V1Study)!.Id);
    }

    // Number, batch and parameters of a fingerprint line: the point, not what the model made of it.
    private static string Points(string fingerprint) => string.Join("|", fingerprint.Split('|').Take(3));

    /// <summary>Everything but wall-clock timings and the rendered message (the reference run's trials carry numbers).</summary>

    private static IEnumerable<string> Fingerprint(IEnumerable<TrialRecord> trials) =>
        trials.Select(t => string.Join(
            "|",
            t.Number,
            t.Batch,
            string.Join(",", t.Parameters.Select(p => p.Value.ToString("R", CultureInfo.InvariantCulture))),
            t.Status,
            t.Reward.ToString("R", CultureInfo.InvariantCulture),
            t.AreaMm2?.ToString("R", CultureInfo.InvariantCulture),
            (t.Outcome as TrialOutcome.Infeasible)?.Reason is { } r ? $"{r.Stage}/{r.Level}/{r.Layer}/{r.Message}" : "",
            t.Proposer,
            string.Join(",", t.Metrics.Select(m => m.LatencySeconds.ToString("R", CultureInfo.InvariantCulture)))));
}
