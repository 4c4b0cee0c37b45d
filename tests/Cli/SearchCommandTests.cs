using System.Diagnostics;
using Apollo.Search.Storage;
using Apollo.Testing;
using Microsoft.Data.Sqlite;

namespace Apollo.Cli.Tests;

public sealed partial class SearchCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apollo-search-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string Config(string name, string optimizer, int trials, string workloads = "[mobilenet_v2, resnet50]", int batch = 8, int threads = 0, string extra = "")
    {
        var path = Path.Combine(_dir, name + ".yaml");
        File.WriteAllText(path, $"""
            study: {name}
            space: {RepositoryPaths.Config("accelerators", "space.yaml")}
            baseline: {RepositoryPaths.Config("accelerators", "baseline.yaml")}
            workload_dir: {RepositoryPaths.Config("workloads")}
            workloads: {workloads}
            area_budget_mm2: 6.8
            optimizer: {optimizer}
            trials: {trials}
            batch_size: {batch}
            seed: 5
            threads: {threads}
            database: {Path.Combine(_dir, name + ".db")}
            {extra}
            """);
        return path;
    }

    private static IReadOnlyList<TrialRecord> Trials(string db, string study)
    {
        using var store = TrialStore.OpenReadOnly(db);
        return store.LoadTrials(store.FindStudy(study)!.Id);
    }

    /// <summary>What must be identical between two runs: everything but wall-clock timings.</summary>
    private static IEnumerable<string> Fingerprint(IEnumerable<TrialRecord> trials) =>
        trials.Select(t => $"{t.Number}|{t.Batch}|{string.Join(",", t.Parameters.Select(p => p.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}|{t.Status}|{t.Reward:R}|{t.AreaMm2:R}|{(t.Outcome as TrialOutcome.Infeasible)?.Reason.Level}|{t.Proposer}|{string.Join(",", t.Metrics.Select(m => m.LatencySeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}");

    [Fact]
    public async Task Search_logs_every_trial_and_lists_them()
    {
        var config = Config("listing", "evolution", 64);
        var r = await CliRunner.Run("search", config);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("stopped: trial budget of 64 reached", r.Out);
        Assert.Contains("database:", r.Out);
        var db = Path.Combine(_dir, "listing.db");
        Assert.Equal(64, Trials(db, "listing").Count);

        var studies = await CliRunner.Run("studies", db);
        Assert.Contains("listing", studies.Out);
        Assert.Contains("64/64", studies.Out);

        var csv = await CliRunner.Run("trials", db, "--format", "csv");
        Assert.Equal(65, csv.Out.Trim().Split('\n').Length);
        Assert.StartsWith("number,batch,status,reward", csv.Out, StringComparison.Ordinal);
        // Infeasible rows carry the reason's numbers as numeric cells, with the unit in its own column.
        using (var reader = CsvHelper.CsvReader.FromText(csv.Out, null))
        {
            reader.ReadHeader();
            var infeasible = 0;
            while (reader.Read())
            {
                if (reader.GetString("status") == "infeasible")
                {
                    infeasible++;
                    Assert.True(double.Parse(reader.GetString("needed"), System.Globalization.CultureInfo.InvariantCulture) > 0);
                    Assert.True(double.Parse(reader.GetString("available"), System.Globalization.CultureInfo.InvariantCulture) > 0);
                    Assert.NotEqual("", reader.GetString("unit"));
                }
                else
                {
                    Assert.Equal("", reader.GetString("needed"));
                }
            }

            Assert.True(infeasible > 0, "the listing study should hit the area budget or the compiler at least once");
        }

        var json = await CliRunner.Run("trials", db, "--study", "listing", "--format", "json");
        Assert.Equal(64, json.Out.Trim().Split('\n').Length);
        // Energy and power make the round trip evaluator -> store -> listing for every completed trial.
        var completed = 0;
        foreach (var line in json.Out.Trim().Split('\n'))
        {
            var trial = System.Text.Json.Nodes.JsonNode.Parse(line)!;
            if ((string?)trial["status"] != "completed")
            {
                continue;
            }

            completed++;
            foreach (var w in trial["workloads"]!.AsArray())
            {
                Assert.True((double?)w!["energy_j"] > 0, line);
                Assert.InRange((double?)w["power_w"] ?? 0, 0.01, 100);
            }
        }

        Assert.True(completed > 0, "the listing study should complete some trials");

        var best = await CliRunner.Run("best", db);
        Assert.Equal(0, best.ExitCode);
        Assert.Contains("reward", best.Out);
    }

    [Fact]
    public async Task Results_do_not_depend_on_the_number_of_threads()
    {
        Assert.Equal(0, (await CliRunner.Run("search", Config("one", "p3bo", 96, threads: 1))).ExitCode);
        Assert.Equal(0, (await CliRunner.Run("search", Config("two", "p3bo", 96, threads: 2))).ExitCode);
        Assert.Equal(Fingerprint(Trials(Path.Combine(_dir, "one.db"), "one")), Fingerprint(Trials(Path.Combine(_dir, "two.db"), "two")));
    }

    [Fact]
    public async Task An_existing_study_is_not_touched_without_resume_and_settings_must_match()
    {
        var config = Config("again", "random", 16);
        Assert.Equal(0, (await CliRunner.Run("search", config)).ExitCode);
        var again = await CliRunner.Run("search", config);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.Error);

        var otherSeed = await CliRunner.Run("search", config, "--resume", "--seed", "6");
        Assert.Equal(2, otherSeed.ExitCode);
        Assert.Contains("seed", otherSeed.Error);

        var more = await CliRunner.Run("search", config, "--resume", "--trials", "32");
        Assert.Equal(0, more.ExitCode);
        Assert.Equal(32, Trials(Path.Combine(_dir, "again.db"), "again").Count);
        Assert.Contains("32/32", (await CliRunner.Run("studies", Path.Combine(_dir, "again.db"))).Out);
    }

    [Fact]
    public async Task Resume_refuses_changed_workloads_and_changed_optimizer_options_with_one_message()
    {
        var config = Config("changed", "{name: evolution, options: {population: 8}}", 32);
        Assert.Equal(0, (await CliRunner.Run("search", config)).ExitCode);

        File.WriteAllText(config, File.ReadAllText(config).Replace("[mobilenet_v2, resnet50]", "[mobilenet_v2]", StringComparison.Ordinal));
        var workloads = await CliRunner.Run("search", config, "--resume", "--trials", "48");
        Assert.Equal(2, workloads.ExitCode);
        Assert.Contains("workloads", workloads.Error);

        File.WriteAllText(config, File.ReadAllText(config).Replace("[mobilenet_v2]", "[mobilenet_v2, resnet50]", StringComparison.Ordinal).Replace("population: 8", "population: 12", StringComparison.Ordinal));
        var options = await CliRunner.Run("search", config, "--resume", "--trials", "48");
        Assert.Equal(2, options.ExitCode);
        Assert.Contains("optimizer_options", options.Error); // the options are in the snapshot: refused before any replay
        Assert.Single(options.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("random")]
    [InlineData("evolution")]
    public async Task With_a_priori_constraints_no_trial_is_spent_over_the_area_budget(string optimizer)
    {
        // Uniform points of the default space are over 6.8 mm² 94% of the time; with the constraint on, the
        // optimizer proposes none of them, and the trials it does propose are scored exactly as without.
        var on = Config("apriori", optimizer, 48, extra: "a_priori_constraints: true");
        var r = await CliRunner.Run("search", on);
        Assert.True(r.ExitCode == 0, r.Error);
        var trials = Trials(Path.Combine(_dir, "apriori.db"), "apriori");
        Assert.Equal(48, trials.Count);
        Assert.All(trials, t => Assert.True(t.AreaMm2 <= 6.8, $"trial {t.Number}: {t.AreaMm2} mm²"));
        Assert.DoesNotContain(trials, t => t.Outcome is TrialOutcome.Infeasible { Reason.Stage: Apollo.Compiler.Mapping.InfeasibilityStage.Area });

        var off = Config("protocol", optimizer, 48);
        Assert.Equal(0, (await CliRunner.Run("search", off)).ExitCode);
        Assert.Contains(Trials(Path.Combine(_dir, "protocol.db"), "protocol"), t => t.AreaMm2 > 6.8);

        // The setting is part of the study: resuming without it is refused.
        File.WriteAllText(Path.Combine(_dir, "apriori-off.yaml"), File.ReadAllText(on).Replace("a_priori_constraints: true", "", StringComparison.Ordinal));
        var resumed = await CliRunner.Run("search", Path.Combine(_dir, "apriori-off.yaml"), "--resume", "--trials", "64");
        Assert.Equal(2, resumed.ExitCode);
        Assert.Contains("a_priori_constraints", resumed.Error);
    }

    [Theory]
    [InlineData("optimizer: simulated-annealing", "optimizer", "random, gp-ei, evolution, p3bo")]
    [InlineData("area_budget_mm2: -1", "area_budget_mm2", "positive")]
    [InlineData("trials: 0", "trials", "at least 1")]
    [InlineData("colour: blue", "colour", "allowed fields")]
    public async Task Bad_configs_fail_before_anything_is_written(string line, string field, string allowed)
    {
        var path = Config("bad", "random", 10);
        var text = File.ReadAllText(path);
        var key = line.Split(':')[0];
        text = text.Contains(key + ":", StringComparison.Ordinal)
            ? string.Join('\n', text.Split('\n').Select(l => l.StartsWith(key + ":", StringComparison.Ordinal) ? line : l))
            : text + "\n" + line + "\n";
        File.WriteAllText(path, text);
        var r = await CliRunner.Run("search", path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.yaml", r.Error);
        Assert.Contains(field, r.Error);
        Assert.Contains(allowed, r.Error);
        Assert.False(File.Exists(Path.Combine(_dir, "bad.db")));
    }

    [Trait("Category", "System")] // starts and SIGKILLs a real apollo process
    [Fact]
    public async Task A_run_killed_with_sigkill_resumes_to_the_same_trials_as_an_uninterrupted_run()
    {
        // p3bo (with its gp-ei member) is slow enough per batch to be killed part-way, and its replay exercises
        // every optimizer's determinism at once.
        const int trials = 400;
        var killed = Config("killed", "p3bo", trials, workloads: "[mobilenet_v2, resnet50, unet, rnnt_decoder]", batch: 8, threads: 1);
        var db = Path.Combine(_dir, "killed.db");

        // Kill once some batches are committed but long before the end.
        await SearchAndKillAfter(80, db, "killed", "search", killed);

        var before = CommittedTrials(db, "killed");
        Assert.InRange(before, 80, trials - 1);
        Assert.Equal(0, before % 8); // only whole batches are ever stored

        var resumed = await CliRunner.Run("search", killed, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains($"({before} resumed)", resumed.Out);

        var reference = Config("reference", "p3bo", trials, workloads: "[mobilenet_v2, resnet50, unet, rnnt_decoder]", batch: 8, threads: 2);
        Assert.Equal(0, (await CliRunner.Run("search", reference)).ExitCode);

        var afterKill = Trials(db, "killed");
        Assert.Equal(trials, afterKill.Count);
        Assert.Equal(Enumerable.Range(0, trials), afterKill.Select(t => t.Number));
        Assert.Equal(Fingerprint(Trials(Path.Combine(_dir, "reference.db"), "reference")), Fingerprint(afterKill));
    }

    [Trait("Category", "System")] // starts a real apollo process and sends it SIGTERM
    [Fact]
    public async Task Sigterm_stops_after_the_in_flight_batch_and_the_study_resumes()
    {
        var config = Config("interrupted", "random", 100_000, workloads: "[mobilenet_v2, resnet50, unet]", batch: 8, threads: 1);
        var db = Path.Combine(_dir, "interrupted.db");
        using var child = StartApollo("search", config);
        while (CommittedTrials(db, "interrupted") < 40)
        {
            if (child.HasExited)
            {
                Assert.Fail("the search ended early: " + await child.StandardError.ReadToEndAsync());
            }

            await Task.Delay(20);
        }

        // SIGTERM, as Slurm sends; an interactive Ctrl+C (SIGINT) takes the same path. (A child started in the
        // background inherits an ignored SIGINT, so the test cannot use it.)
        using (var kill = Process.Start("bash", ["-c", $"kill -TERM {child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}"])) // the shell builtin: no procps needed
        {
            await kill.WaitForExitAsync();
        }

        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(60)), "the search did not stop after SIGTERM");
        Assert.Equal(130, child.ExitCode);
        var stored = Trials(db, "interrupted");
        Assert.Equal(0, stored.Count % 8);
        Assert.Equal(Enumerable.Range(0, stored.Count), stored.Select(t => t.Number));

        var resumed = await CliRunner.Run("search", config, "--resume", "--trials", (stored.Count + 16).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(stored.Count + 16, Trials(db, "interrupted").Count);
    }

    /// <summary>Runs apollo with <paramref name="args"/> and SIGKILLs it once <paramref name="study"/> has at least <paramref name="trials"/> committed trials.</summary>
    private async Task SearchAndKillAfter(int trials, string db, string study, params string[] args)
    {
        using var child = StartApollo(args);
        var deadline = Stopwatch.StartNew();
        while (CommittedTrials(db, study) < trials)
        {
            if (child.HasExited)
            {
                Assert.Fail("the child finished before it could be killed: " + await child.StandardError.ReadToEndAsync());
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(120), "no trials were committed in time");
            await Task.Delay(20);
        }

        child.Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
        await child.WaitForExitAsync();
    }

    private static int CommittedTrials(string db, string study)
    {
        if (!File.Exists(db))
        {
            return 0;
        }

        try
        {
            using var store = TrialStore.OpenReadOnly(db);
            return store.FindStudy(study) is { } s ? store.ListStudies().First(x => x.Study.Id == s.Id).Trials : 0;
        }
        catch (Exception e) when (e is StoreException or SqliteException)
        {
            return 0; // the child is still creating the schema
        }
    }

    private Process StartApollo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "apollo.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }
}
