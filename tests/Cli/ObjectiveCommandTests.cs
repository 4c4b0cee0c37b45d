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
