using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Apollo.Compiler.Mapping;
using Apollo.Search.Storage;
using Apollo.Testing;

namespace Apollo.Cli.Tests;

/// <summary>
/// <c>evaluate --config SEARCH.yaml</c> scores a point exactly as the config's study does: the reward it prints is
/// bit for bit the reward <c>apollo search</c> stores for the same point, and infeasible points give the same reason.
/// </summary>
public sealed class EvaluateConfigTests : TestWithTempFolder
{
    /// <summary>
    /// A study unlike evaluate's defaults in every scoring setting: its own small space (around the baseline, so
    /// most points are feasible, and with an io_bandwidth of 12 GB/s that the default space does not have), three
    /// workloads with unequal weights, and a 5.8 mm² budget that the baseline itself exceeds.
    /// </summary>
    private string StudyConfig(string study, int trials)
    {
        var space = Path.Combine(Dir, "space.yaml");
        File.WriteAllText(space, $"""
            name: near-baseline
            technology: {RepositoryPaths.Config("technology", "edge-7nm.yaml")}
            parameters:
              pe_x: [2, 4]
              pe_y: [2, 4, 6]
              lanes: [32, 64]
              cores: [2, 4]
              pe_memory: [262144, 524288]
              core_memory: [8192, 32768, 65536]
              instruction_memory: [1024, 4096]
              parameter_memory: [8192, 16384]
              activation_memory: [4096, 8192]
              io_bandwidth: [10, 12, 20]
            """);
        var path = Path.Combine(Dir, study + ".yaml");
        File.WriteAllText(path, $"""
            study: {study}
            space: {space}
            baseline: {RepositoryPaths.Config("accelerators", "baseline.yaml")}
            workload_dir: {RepositoryPaths.Config("workloads")}
            workloads: [mobilenet_v2, resnet50, crnn]
            workload_weights: {"{"}mobilenet_v2: 3, crnn: 0.25{"}"}
            area_budget_mm2: 5.8
            optimizer: random
            trials: {trials}
            batch_size: 10
            seed: 3
            database: {Path.Combine(Dir, "studies.db")}
            """);
        return path;
    }

    private async Task<IReadOnlyList<TrialRecord>> RunStudy(string config, string study)
    {
        var r = await CliRunner.Run("search", config, "--no-report");
        Assert.True(r.ExitCode == 0, r.Error);
        using var store = TrialStore.OpenReadOnly(Path.Combine(Dir, "studies.db"));
        return store.LoadTrials(store.FindStudy(study)!.Id);
    }

    private static string Line(TrialRecord trial)
    {
        var obj = new JsonObject();
        foreach (var (name, value) in trial.Parameters)
        {
            obj[name] = value;
        }

        return obj.ToJsonString();
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    [Fact]
    public async Task Batch_rewards_equal_the_rewards_search_stored_bit_for_bit()
    {
        var config = StudyConfig("twin", 60);
        var trials = await RunStudy(config, "twin");
        Assert.Equal(60, trials.Count);
        // The comparison means something only if both kinds of outcome occur.
        Assert.InRange(trials.Count(t => t.Status == TrialStatus.Completed), 10, 59);
        Assert.Contains(trials, t => t.Status == TrialStatus.Infeasible);
        Assert.Contains(trials, t => t.Parameters.Any(p => p is { Key: "io_bandwidth", Value: 12 })); // off the default grid

        var input = string.Concat(trials.Select(t => Line(t) + "\n"));
        var r = await CliRunner.RunWithInput(input, "evaluate", "--config", config, "--batch");
        Assert.True(r.ExitCode == 0, r.Error);
        var answers = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(trials.Count, answers.Count);
        for (var i = 0; i < trials.Count; i++)
        {
            var (trial, answer) = (trials[i], answers[i]);
            Assert.Null(answer["error"]);
            Assert.Equal("twin", answer["study"]!.GetValue<string>());
            Assert.Equal(5.8, answer["area_budget_mm2"]!.GetValue<double>());
            Assert.True(Bits(trial.Reward) == Bits(answer["reward"]!.GetValue<double>()), $"trial {trial.Number}: stored {trial.Reward:R}, evaluate {answer["reward"]}");
            Assert.Equal(Bits(trial.AreaMm2!.Value), Bits(answer["area_mm2"]!.GetValue<double>()));
            Assert.Equal(trial.Status == TrialStatus.Completed, answer["feasible"]!.GetValue<bool>());
            if (trial.Outcome is TrialOutcome.Infeasible infeasible)
            {
                var reason = answer["infeasible"]!;
                Assert.Equal(infeasible.Reason.Stage.Text(), reason["stage"]!.GetValue<string>());
                Assert.Equal(infeasible.Reason.Level.Text(), reason["level"]!.GetValue<string>());
                Assert.Equal(infeasible.Reason.Message, reason["message"]!.GetValue<string>());
            }
            else
            {
                var workloads = answer["workloads"]!.AsArray();
                Assert.Equal(trial.Metrics.Select(m => Bits(m.Speedup)), workloads.Select(w => Bits(w!["speedup"]!.GetValue<double>())));
                Assert.Equal([3.0, 1.0, 0.25], workloads.Select(w => w!["weight"]!.GetValue<double>()));
            }
        }

        // Without --config the same points score differently (equal weights): the study's scoring is what is used.
        var plain = await CliRunner.RunWithInput(input, "evaluate", "--batch", "--space", Path.Combine(Dir, "space.yaml"), "--workloads", "mobilenet_v2,resnet50,crnn", "--budget", "5.8");
        Assert.True(plain.ExitCode == 0, plain.Error);
        var plainRewards = plain.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["reward"]!.GetValue<double>()).ToList();
        Assert.Contains(trials.Select((t, i) => (t, i)), p => p.t.Reward > 0 && Bits(p.t.Reward) != Bits(plainRewards[p.i]));
    }

    [Fact]
    public async Task A_single_point_scores_as_the_stored_trial_with_study_technology()
    {
        var config = StudyConfig("single", 20);
        var trial = (await RunStudy(config, "single")).First(t => t.Status == TrialStatus.Completed);

        // The file names another technology: with --config the study's (its space's) is used, as search does.
        var yaml = new StringBuilder($"name: trial\ntechnology: {RepositoryPaths.Config("technology", "edge-tpu-like.yaml")}\nparameters:\n");
        foreach (var (name, value) in trial.Parameters)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  {name}: {value}\n");
        }

        var file = Path.Combine(Dir, "trial.yaml");
        await File.WriteAllTextAsync(file, yaml.ToString());
        var json = await CliRunner.Run("evaluate", "--config", config, "--accelerator", file, "--format", "json");
        Assert.True(json.ExitCode == 0, json.Error);
        var answer = JsonNode.Parse(json.Out)!;
        Assert.Equal(Bits(trial.Reward), Bits(answer["reward"]!.GetValue<double>()));
        Assert.Equal("single", answer["study"]!.GetValue<string>());

        var table = await CliRunner.Run("evaluate", "--config", config, "--accelerator", file);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("scored as study 'single' scores its trials", table.Out);
        Assert.Contains(trial.Reward.ToString("F4", CultureInfo.InvariantCulture), table.Out);
    }

    [Fact]
    public async Task The_budget_option_overrides_the_config_budget_as_for_search()
    {
        var config = StudyConfig("budget", 1);
        var r = await CliRunner.RunWithInput("{\"pe_x\":4,\"pe_y\":4,\"lanes\":64,\"cores\":4,\"pe_memory\":524288,\"core_memory\":32768,\"instruction_memory\":4096,\"parameter_memory\":16384,\"activation_memory\":8192,\"io_bandwidth\":20}\n",
            "evaluate", "--config", config, "--batch", "--budget", "6.8");
        Assert.True(r.ExitCode == 0, r.Error);
        var answer = JsonNode.Parse(r.Out)!;
        Assert.Equal(6.8, answer["area_budget_mm2"]!.GetValue<double>());
        Assert.Equal(1.0, answer["reward"]!.GetValue<double>()); // the baseline, within 6.8 mm² (not within the config's 5.8)
    }

    [Theory]
    [InlineData("--workloads", "resnet50")]
    [InlineData("--workload-set", "all")]
    [InlineData("--space", "configs/accelerators/space.yaml")]
    [InlineData("--baseline", "configs/accelerators/baseline.yaml")]
    [InlineData("--workload-dir", "configs/workloads")]
    public async Task Options_the_config_decides_are_refused_with_config(string option, string value)
    {
        var config = StudyConfig("refused", 1);
        var r = await CliRunner.RunWithInput("", "evaluate", "--config", config, "--batch", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: <command line>: field '{option}': the search config given with --config decides this; edit the config (or drop --config) instead", r.Error.Trim());
    }

    [Fact]
    public async Task A_bad_config_exits_2_naming_its_file()
    {
        var path = Path.Combine(Dir, "bad.yaml");
        await File.WriteAllTextAsync(path, "study: x\narea_budget_mm2: -1\noptimizer: random\ntrials: 1\n");
        var r = await CliRunner.RunWithInput("", "evaluate", "--config", path, "--batch");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: " + path, r.Error, StringComparison.Ordinal);
        Assert.Contains("area_budget_mm2", r.Error);
    }

    [Fact]
    public async Task Without_config_the_study_field_is_null()
    {
        var r = await CliRunner.Run("evaluate", "--accelerator", "configs/accelerators/baseline.yaml", "--workloads", "mobilenet_v2", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        var json = JsonNode.Parse(r.Out)!.AsObject();
        Assert.True(json.ContainsKey("study"));
        Assert.Null(json["study"]);
        Assert.Equal(1.0, json["workloads"]![0]!["weight"]!.GetValue<double>());
    }
}
