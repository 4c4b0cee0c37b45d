using System.Text.Json.Nodes;
using Apollo.Compiler.Mapping;
using Apollo.Search.Storage;
using Apollo.Testing;

namespace Apollo.Cli.Tests;

/// <summary>
/// <c>apollo ask</c> / <c>apollo tell</c>: a shell loop of ask → <c>evaluate --config</c> → tell builds the study
/// <c>search</c> builds with the same config and seed; pending trials are handed out again; a trial is told once.
/// </summary>
public sealed class AskTellTests : TestWithTempFolder
{
    /// <summary>A space around the baseline (most points feasible, some not) on one workload, so a trial is cheap.</summary>
    private string Config(string optimizer, int trials, int batch, string file = "asktell.yaml") => NearBaselineConfig(Dir, optimizer, trials, batch, file);

    /// <summary>The config of these tests in <paramref name="dir"/>: study <c>twin</c>, database <c>search.db</c>.</summary>
    internal static string NearBaselineConfig(string dir, string optimizer, int trials, int batch, string file = "asktell.yaml")
    {
        var space = Path.Combine(dir, "space.yaml");
        File.WriteAllText(space, $"""
            name: near-baseline
            technology: {RepositoryPaths.Config("technology", "edge-7nm.yaml")}
            parameters:
              pe_x: [2, 4, 6]
              pe_y: [2, 4, 6]
              lanes: [32, 64]
              cores: [2, 4]
              pe_memory: [262144, 524288]
              core_memory: [8192, 32768, 65536]
              instruction_memory: [1024, 4096]
              parameter_memory: [8192, 16384]
              activation_memory: [4096, 8192]
              io_bandwidth: [10, 20]
            """);
        var path = Path.Combine(dir, file);
        File.WriteAllText(path, $"""
            study: twin
            space: {space}
            baseline: {RepositoryPaths.Config("accelerators", "baseline.yaml")}
            workload_dir: {RepositoryPaths.Config("workloads")}
            workloads: [mobilenet_v2]
            area_budget_mm2: 5.8
            optimizer: {optimizer}
            trials: {trials}
            batch_size: {batch}
            seed: 7
            database: {Path.Combine(dir, "search.db")}
            """);
        return path;
    }

    private string Db => Path.Combine(Dir, "asktell.db");

    private static async Task<CliRunner.Result> Ok(Task<CliRunner.Result> run)
    {
        var r = await run;
        Assert.True(r.ExitCode == 0, r.Error);
        return r;
    }

    private static List<JsonObject> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    private static IReadOnlyList<TrialRecord> Trials(string db, string study)
    {
        using var store = TrialStore.OpenReadOnly(db);
        return store.LoadTrials(store.FindStudy(study)!.Id);
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    /// <summary>The answer lines of <c>evaluate --batch --config</c> for the asked points, in their order.</summary>
    private static async Task<string[]> Evaluate(string config, IEnumerable<JsonObject> asked) =>
        (await Ok(CliRunner.RunWithInput(string.Concat(asked.Select(a => a["parameters"]!.ToJsonString() + "\n")), "evaluate", "--batch", "--config", config))).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Asks <paramref name="count"/> points, evaluates them with <c>evaluate --batch --config</c>, tells each in number order.</summary>
    private async Task<int> Round(string config, int count, string? configForAsk = null)
    {
        var ask = configForAsk is null
            ? await Ok(CliRunner.Run("ask", Db, "--study", "twin", "--count", $"{count}"))
            : await Ok(CliRunner.Run("ask", Db, "--study", "twin", "--count", $"{count}", "--config", configForAsk));
        var asked = Lines(ask.Out);
        if (asked.Count == 0)
        {
            return 0;
        }

        var answers = await Evaluate(config, asked);
        for (var i = 0; i < asked.Count; i++)
        {
            var told = await Ok(CliRunner.RunWithInput(answers[i], "tell", Db, "--study", "twin", "--trial", $"{asked[i]["trial"]}", "--result", "-"));
            Assert.DoesNotContain("warning", told.Error);
        }

        return asked.Count;
    }

    [Theory]
    [InlineData("random", 1, 30)]
    [InlineData("evolution", 5, 30)]
    public async Task A_shell_loop_of_ask_evaluate_tell_stores_the_trials_search_stores(string optimizer, int batch, int trials)
    {
        var config = Config(optimizer, trials, batch);
        await Ok(CliRunner.Run("search", config, "--no-report"));
        var searched = Trials(Path.Combine(Dir, "search.db"), "twin");

        var rounds = 0;
        for (var told = 0; told < trials; rounds++)
        {
            told += await Round(config, batch, rounds == 0 ? config : null);
        }

        Assert.Equal(0, await Round(config, batch)); // the budget is spent: ask hands out nothing
        var asked = Trials(Db, "twin");
        Assert.Equal(trials, asked.Count);
        // Meaningful only with both outcomes.
        Assert.Contains(asked, t => t.Status == TrialStatus.Completed);
        Assert.Contains(asked, t => t.Status == TrialStatus.Infeasible);
        for (var i = 0; i < trials; i++)
        {
            var (s, a) = (searched[i], asked[i]);
            Assert.Equal(s.Number, a.Number);
            Assert.Equal(s.Batch, a.Batch);
            Assert.Equal(s.Parameters, a.Parameters);
            Assert.Equal(s.Status, a.Status);
            Assert.True(Bits(s.Reward) == Bits(a.Reward), $"trial {i}: search {s.Reward:R}, ask/tell {a.Reward:R}");
            Assert.Equal(s.AreaMm2, a.AreaMm2);
            Assert.Equal(s.Metrics.Select(m => Bits(m.Speedup)), a.Metrics.Select(m => Bits(m.Speedup)));
            Assert.Equal(s.Metrics.Select(m => Bits(m.ThroughputPerSecond)), a.Metrics.Select(m => Bits(m.ThroughputPerSecond)));
            Assert.Equal(s.Proposer, a.Proposer);
        }

        // A config with a larger budget extends the study, as search --resume --trials does.
        var more = Config(optimizer, trials + batch, batch, "more.yaml");
        Assert.Equal(batch, await Round(more, batch, more));
        Assert.Equal(trials + batch, Trials(Db, "twin").Count);
    }

    [Fact]
    public async Task The_same_asks_and_tells_in_the_same_order_give_the_same_study_whatever_that_order()
    {
        var config = Config("evolution", 16, 4);
        async Task<List<string>> Drive(string db)
        {
            var points = new List<string>();
            for (var round = 0; round < 4; round++)
            {
                var asked = Lines((await Ok(CliRunner.Run("ask", db, "--study", "twin", "--count", "4", "--config", config))).Out);
                var answers = await Evaluate(config, asked);
                points.AddRange(asked.Select(a => a["parameters"]!.ToJsonString()));
                foreach (var i in new[] { 2, 0, 3, 1 }.Take(asked.Count)) // out of number order
                {
                    await Ok(CliRunner.RunWithInput(answers[i], "tell", db, "--study", "twin", "--trial", $"{asked[i]["trial"]}", "--result", "-"));
                }
            }

            return points;
        }

        var first = await Drive(Path.Combine(Dir, "first.db"));
        var second = await Drive(Path.Combine(Dir, "second.db"));
        Assert.Equal(16, first.Count);
        Assert.Equal(first, second);
        Assert.Equal(
            Trials(Path.Combine(Dir, "first.db"), "twin").Select(t => (t.Number, Bits(t.Reward))),
            Trials(Path.Combine(Dir, "second.db"), "twin").Select(t => (t.Number, Bits(t.Reward))));
    }

    [Fact]
    public async Task An_ask_without_a_tell_hands_out_the_same_pending_trial_again()
    {
        var config = Config("random", 30, 1);
        var first = Lines((await Ok(CliRunner.Run("ask", Db, "--study", "twin", "--config", config))).Out).Single();
        var again = Lines((await Ok(CliRunner.Run("ask", Db, "--study", "twin"))).Out).Single();
        Assert.Equal(first.ToJsonString(), again.ToJsonString());

        var two = Lines((await Ok(CliRunner.Run("ask", Db, "--study", "twin", "--count", "2"))).Out);
        Assert.Equal([0, 1], two.Select(t => t["trial"]!.GetValue<int>()));
        Assert.Equal(first.ToJsonString(), two[0].ToJsonString());

        // Pending trials are not trials yet: the read commands count none.
        var studies = await Ok(CliRunner.Run("studies", Db));
        Assert.Contains("0/30", studies.Out);
        Assert.Empty(Trials(Db, "twin"));
    }

    [Fact]
    public async Task A_trial_told_twice_is_refused_with_exit_2_and_one_line()
    {
        var config = Config("random", 30, 1);
        await Ok(CliRunner.Run("ask", Db, "--study", "twin", "--config", config));
        const string Infeasible = """{"feasible": false, "stage": "compile", "level": "pe_memory", "reason": "does not fit"}""";
        var told = await Ok(CliRunner.RunWithInput(Infeasible, "tell", Db, "--study", "twin", "--trial", "0", "--result", "-"));
        Assert.Contains("infeasible", told.Out);

        var twice = await CliRunner.RunWithInput(Infeasible, "tell", Db, "--study", "twin", "--trial", "0", "--result", "-");
        Assert.Equal(2, twice.ExitCode);
        Assert.Single(twice.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("told already", twice.Error);

        var never = await CliRunner.RunWithInput(Infeasible, "tell", Db, "--study", "twin", "--trial", "5", "--result", "-");
        Assert.Equal(2, never.ExitCode);
        Assert.Contains("never asked", never.Error);

        var stored = Assert.Single(Trials(Db, "twin"));
        var reason = Assert.IsType<TrialOutcome.Infeasible>(stored.Outcome).Reason;
        Assert.Equal("does not fit", reason.Message);
    }

    [Fact]
    public async Task A_told_stage_is_one_of_the_stores_stages_constraint_included()
    {
        var config = Config("random", 30, 1);
        await Ok(CliRunner.Run("ask", Db, "--study", "twin", "--config", config, "--count", "2"));
        var unknown = await CliRunner.RunWithInput("""{"feasible": false, "stage": "timing", "reason": "slow"}""", "tell", Db, "--study", "twin", "--trial", "0", "--result", "-");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'timing' is not a stage: area, compile, constraint", unknown.Error);

        const string OverPower = """{"feasible": false, "stage": "constraint", "level": "power_budget", "workload": "resnet50", "needed": 1.2, "available": 0.8, "unit": "W", "reason": "power 1.2 W exceeds the budget of 0.8 W"}""";
        await Ok(CliRunner.RunWithInput(OverPower, "tell", Db, "--study", "twin", "--trial", "1", "--result", "-"));
        var reason = Assert.IsType<TrialOutcome.Infeasible>(Assert.Single(Trials(Db, "twin")).Outcome).Reason;
        Assert.Equal((InfeasibilityStage.Constraint, InfeasibilityLevel.PowerBudget), (reason.Stage, reason.Level));
    }

    [Fact]
    public async Task A_result_for_another_point_or_other_workloads_is_refused()
    {
        var config = Config("random", 30, 1);
        var asked = Lines((await Ok(CliRunner.Run("ask", Db, "--study", "twin", "--config", config, "--count", "2"))).Out);
        var answers = await Evaluate(config, asked);

        var swapped = await CliRunner.RunWithInput(answers[1], "tell", Db, "--study", "twin", "--trial", "0", "--result", "-");
        Assert.Equal(2, swapped.ExitCode);
        Assert.Contains("another point", swapped.Error);

        var feasible = JsonNode.Parse("""{"feasible": true, "area_mm2": 4.0, "workloads": [{"name": "resnet50", "throughput_per_s": 100, "latency_ms": 10}]}""")!;
        var other = await CliRunner.RunWithInput(feasible.ToJsonString(), "tell", Db, "--study", "twin", "--trial", "0", "--result", "-");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("mobilenet_v2", other.Error);
        Assert.Empty(Trials(Db, "twin"));
    }

    [Fact]
    public async Task Search_and_ask_tell_do_not_write_each_others_studies()
    {
        var config = Config("random", 4, 2);
        await Ok(CliRunner.Run("ask", Db, "--study", "twin", "--config", config));
        var resume = await CliRunner.Run("search", config, "--db", Db, "--resume", "--no-report");
        Assert.Equal(2, resume.ExitCode);
        Assert.Contains("ask", resume.Error);

        await Ok(CliRunner.Run("search", config, "--no-report"));
        var ask = await CliRunner.Run("ask", Path.Combine(Dir, "search.db"), "--study", "twin");
        Assert.Equal(2, ask.ExitCode);
        Assert.Contains("apollo search", ask.Error);
    }

    [Fact]
    public async Task A_new_study_needs_a_config_and_a_changed_config_is_refused()
    {
        var missing = await CliRunner.Run("ask", Db, "--study", "twin");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--config", missing.Error);

        var config = Config("random", 30, 1);
        await Ok(CliRunner.Run("ask", Db, "--study", "twin", "--config", config));
        var changed = Config("evolution", 30, 1, "changed.yaml");
        var refused = await CliRunner.Run("ask", Db, "--study", "twin", "--config", changed);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("optimizer", refused.Error);
    }
}
