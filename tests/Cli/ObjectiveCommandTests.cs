using Apollo.Compiler.Mapping;
using Apollo.Search.Storage;
using Apollo.Testing;
using Microsoft.Data.Sqlite;

namespace Apollo.Cli.Tests;

/// <summary><c>objective:</c>, <c>constraints:</c> and <c>--power-budget</c> from YAML to the stored trials.</summary>
public sealed class ObjectiveCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apollo-objective-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string Config(string name, string extra, string optimizer = "random", int trials = 16)
    {
        var path = Path.Combine(_dir, name + ".yaml");
        File.WriteAllText(path, $"""
            study: {name}
            space: {RepositoryPaths.Config("accelerators", "space.yaml")}
            baseline: {RepositoryPaths.Config("accelerators", "baseline.yaml")}
            workloads: [mobilenet_v2, resnet50]
            area_budget_mm2: 6.8
            optimizer: {optimizer}
            trials: {trials}
            batch_size: 8
            seed: 3
            a_priori_constraints: true
            database: {Path.Combine(_dir, name + ".db")}
            {extra}
            """);
        return path;
    }

    [Theory]
    [InlineData("latency")]
    [InlineData("energy")]
    [InlineData("throughput_per_watt")]
    [InlineData("edp")]
    [InlineData("throughput_per_area")]
    public async Task The_baseline_scores_exactly_one_under_every_objective(string objective)
    {
        var r = await CliRunner.Run("evaluate", "--config", Config("base", $"objective: {objective}"), "--accelerator", RepositoryPaths.Config("accelerators", "baseline.yaml"), "--format", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("\"reward\":1,", r.Out);
    }

    [Theory]
    [InlineData("objective: speed", "objective", "latency, energy, throughput_per_watt, edp")]
    [InlineData("constraints: {power: 1}", "constraints", "power_w, latency_ms, energy_mj")]
    [InlineData("constraints: {power_w: -1}", "power_w", "positive number of W")]
    [InlineData("constraints: {latency_ms: {vgg16: 3}}", "latency_ms.vgg16", "mobilenet_v2, resnet50")]
    [InlineData("objectives: [latency]", "objectives", "two or three")]
    [InlineData("objectives: [latency, speed]", "objectives", "latency, energy, area, power")]
    [InlineData("objectives: [latency, latency]", "objectives", "twice")]
    [InlineData("objectives: [latency, {metric: area, direction: up}]", "direction", "minimize, maximize")]
    public async Task Bad_objective_and_constraint_fields_name_the_field_and_the_allowed_values(string line, string field, string allowed)
    {
        var r = await CliRunner.Run("search", Config("bad", line));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.yaml", r.Error);
        Assert.Contains(field, r.Error);
        Assert.Contains(allowed, r.Error);
        Assert.False(File.Exists(Path.Combine(_dir, "bad.db")));
    }

    [Fact]
    public async Task A_violated_power_budget_is_an_infeasible_trial_at_stage_constraint_with_its_numbers()
    {
        // 0.05 W is below every design's power on mobilenet_v2 (the baseline draws 1.16 W), so every trial that
        // compiles is stopped by the constraint, and the numbers say by how much.
        var config = Config("power", "", trials: 16);
        var r = await CliRunner.Run("search", config, "--power-budget", "0.05", "--no-report");
        Assert.True(r.ExitCode == 0, r.Error);
        using var store = TrialStore.OpenReadOnly(Path.Combine(_dir, "power.db"));
        var trials = store.LoadTrials(store.FindStudy("power")!.Id);
        var constrained = trials.Select(t => t.Outcome).OfType<TrialOutcome.Infeasible>().Where(i => i.Reason.Stage == InfeasibilityStage.Constraint).ToList();
        Assert.NotEmpty(constrained);
        Assert.DoesNotContain(trials, t => t.Status == TrialStatus.Completed);
        Assert.All(constrained, i =>
        {
            Assert.Equal(InfeasibilityLevel.PowerBudget, i.Reason.Level);
            Assert.Equal("W", i.Reason.Unit);
            Assert.Equal(0.05, i.Reason.Available);
            Assert.True(i.Reason.Needed > 0.05);
            Assert.Contains("power", i.Reason.Message, StringComparison.Ordinal);
        });

        var json = await CliRunner.Run("evaluate", "--config", config, "--power-budget", "0.05", "--accelerator", RepositoryPaths.Config("accelerators", "baseline.yaml"), "--format", "json");
        Assert.Contains("\"stage\":\"constraint\"", json.Out);
        Assert.Contains("\"level\":\"power_budget\"", json.Out);
    }

    [Fact]
    public async Task Resume_refuses_a_changed_objective_or_constraint()
    {
        var config = Config("resume", "objective: latency");
        Assert.Equal(0, (await CliRunner.Run("search", config, "--no-report")).ExitCode);
        File.WriteAllText(config, File.ReadAllText(config).Replace("objective: latency", "objective: energy", StringComparison.Ordinal));
        var changed = await CliRunner.Run("search", config, "--resume", "--trials", "24", "--no-report");
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("objective", changed.Error);

        File.WriteAllText(config, File.ReadAllText(config).Replace("objective: energy", "objective: latency", StringComparison.Ordinal));
        var power = await CliRunner.Run("search", config, "--resume", "--trials", "24", "--power-budget", "3", "--no-report");
        Assert.Equal(2, power.ExitCode);
        Assert.Contains("constraints", power.Error);
        Assert.Equal(0, (await CliRunner.Run("search", config, "--resume", "--trials", "24", "--no-report")).ExitCode);
    }
}

/// <summary>A three-objective study from YAML: stored values and hypervolume, <c>apollo pareto</c>, and the refusal of single-objective commands.</summary>
public sealed class ParetoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apollo-pareto-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string Config(string name, string optimizer, string objectives = "objectives: [latency, energy, area]")
    {
        var path = Path.Combine(_dir, name + ".yaml");
        File.WriteAllText(path, $"""
            study: {name}
            workloads: [mobilenet_v2, resnet50]
            area_budget_mm2: 6.8
            a_priori_constraints: true
            {objectives}
            optimizer: {optimizer}
            trials: 48
            batch_size: 16
            seed: 2
            database: {Path.Combine(_dir, "mo.db")}
            """);
        return path;
    }

    [Theory]
    [InlineData("nsga2", "nsga2")]
    [InlineData("p3bo", "p3bo")]
    [InlineData("random", "random")]
    [InlineData("parego", "{name: gp-ei, options: {scalarization: parego, initial_random: 16}}")]
    public async Task A_three_objective_study_lists_its_front_and_single_objective_commands_refuse_it(string optimizer, string spec)
    {
        var r = await CliRunner.Run("search", Config(optimizer, spec), "--no-report");
        Assert.True(r.ExitCode == 0, r.Error);
        var db = Path.Combine(_dir, "mo.db");

        var csv = (await CliRunner.Run("pareto", db, "--study", optimizer, "--format", "csv")).Out.Trim().Split('\n');
        Assert.StartsWith("trial,latency_ms,energy_mj,area_mm2,reward,proposer,pe_x", csv[0], StringComparison.Ordinal);
        var rows = csv.Skip(1).Select(l => l.Split(',')).Select(c => (Trial: int.Parse(c[0], System.Globalization.CultureInfo.InvariantCulture), V: c[1..4].Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray())).ToList();
        Assert.NotEmpty(rows);

        // Every listed design is non-dominated among all completed trials (all three minimized), checked by brute force.
        using (var store = TrialStore.OpenReadOnly(db))
        {
            var info = store.FindStudy(optimizer)!;
            var pareto = store.LoadPareto(info.Id)!;
            Assert.Equal(["latency", "energy", "area"], pareto.Objectives.Select(o => o.Metric));
            Assert.Equal(3, pareto.Hypervolumes.Count);
            Assert.True(pareto.Hypervolume > 0);
            Assert.True(pareto.Hypervolumes.Zip(pareto.Hypervolumes.Skip(1)).All(p => p.First.Hypervolume <= p.Second.Hypervolume), "the cumulative hypervolume never falls");
            foreach (var (trial, v) in rows)
            {
                Assert.DoesNotContain(pareto.Values.Values, w => w.Zip(v).All(p => p.First <= p.Second) && w.Zip(v).Any(p => p.First < p.Second));
                Assert.Equal(store.LoadTrials(info.Id)[trial].AreaMm2, v[2]);
            }

            var dominatedCount = pareto.Values.Count - rows.Count;
            Assert.True(dominatedCount >= 0);
        }

        var table = await CliRunner.Run("pareto", db, "--study", optimizer);
        Assert.Contains("hypervolume", table.Out);
        Assert.Contains("non-dominated", table.Out);
        Assert.Contains("hypervolume", (await CliRunner.Run("studies", db)).Out);

        var best = await CliRunner.Run("best", db, "--study", optimizer);
        Assert.Equal(2, best.ExitCode);
        Assert.Single(best.Error.Trim().Split('\n'));
        Assert.Contains("apollo pareto", best.Error);
    }

    [Fact]
    public async Task Pareto_refuses_a_single_objective_study_and_resume_refuses_changed_objectives()
    {
        var single = Config("single", "random", objectives: "");
        Assert.Equal(0, (await CliRunner.Run("search", single, "--no-report")).ExitCode);
        var r = await CliRunner.Run("pareto", Path.Combine(_dir, "mo.db"), "--study", "single");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("apollo best", r.Error);

        var multi = Config("multi", "nsga2");
        Assert.Equal(0, (await CliRunner.Run("search", multi, "--no-report")).ExitCode);
        File.WriteAllText(multi, File.ReadAllText(multi).Replace("[latency, energy, area]", "[latency, area]", StringComparison.Ordinal));
        var resumed = await CliRunner.Run("search", multi, "--resume", "--trials", "64", "--no-report");
        Assert.Equal(2, resumed.ExitCode);
        Assert.Contains("objectives", resumed.Error);
    }

    [Fact]
    public async Task Summary_report_and_merge_carry_the_hypervolume()
    {
        Assert.Equal(0, (await CliRunner.Run("search", Config("front", "nsga2"), "--no-report")).ExitCode);
        var db = Path.Combine(_dir, "mo.db");
        double stored;
        using (var store = TrialStore.OpenReadOnly(db))
        {
            stored = store.LoadPareto(store.FindStudy("front")!.Id)!.Hypervolume;
        }

        var summary = (await CliRunner.Run("summary", db, "--format", "csv")).Out.Trim().Split('\n');
        Assert.EndsWith(",median_hypervolume", summary[0], StringComparison.Ordinal);
        Assert.Equal(stored, double.Parse(summary[1].Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture));

        var report = await CliRunner.Run("report", db, "--out", Path.Combine(_dir, "report"), "--no-maps");
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.True(File.Exists(Path.Combine(_dir, "report", "pareto-mo-front.png")));
        Assert.Contains("pareto-mo-front", File.ReadAllText(Path.Combine(_dir, "report", "report.html")), StringComparison.Ordinal);

        var merged = Path.Combine(_dir, "merged.db");
        Assert.Equal(0, (await CliRunner.Run("merge", db, "--out", merged)).ExitCode);
        using var copy = TrialStore.OpenReadOnly(merged);
        var pareto = copy.LoadPareto(copy.FindStudy("front")!.Id)!;
        Assert.Equal(stored, pareto.Hypervolume);
        Assert.Equal(3, pareto.Hypervolumes.Count);
        Assert.Equal((await CliRunner.Run("pareto", db, "--format", "csv")).Out, (await CliRunner.Run("pareto", merged, "--format", "csv")).Out);
    }
}
