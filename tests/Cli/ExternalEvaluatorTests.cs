using System.Globalization;
using Apollo.Search.Storage;
using Apollo.Testing;

namespace Apollo.Cli.Tests;

/// <summary>
/// Studies scored by an external evaluator command (docs/evaluators.md), end to end through <c>apollo search</c>: the
/// example evaluator that wraps <c>apollo evaluate</c> stores the built-in model's trials bit for bit, and a command
/// that fails, hangs or writes garbage gives failed trials with reasons while the study goes on and resumes.
/// </summary>
public sealed class ExternalEvaluatorTests : TestWithTempFolder
{
    private static readonly string Example = Path.Combine(RepositoryPaths.Root, "examples", "evaluators", "apollo_model.py");

    /// <summary>The example evaluator, told to start this build's apollo.</summary>
    public static string ExampleCommand =>
        $"APOLLO_COMMAND='dotnet {Path.Combine(AppContext.BaseDirectory, "apollo.dll")}' python3 {Example}";

    /// <summary>A space of 128 points around the baseline: most fit 10 mm², some do not, a few do not compile.</summary>
    public static string SmallSpace(string dir)
    {
        var path = Path.Combine(dir, "space.yaml");
        File.WriteAllText(path, $"""
            name: small
            technology: {RepositoryPaths.Config("technology", "edge-7nm.yaml")}
            parameters:
              pe_x: [2, 4]
              pe_y: [4, 8]
              lanes: [32, 64]
              cores: [2, 4]
              pe_memory: [262144, 524288]
              core_memory: [4096, 32768]
              instruction_memory: [4096]
              parameter_memory: [16384]
              activation_memory: [8192]
              io_bandwidth: [10, 20]
            """);
        return path;
    }

    /// <summary>A study over <see cref="SmallSpace"/> on mobilenet_v2; <paramref name="evaluator"/> is the YAML of the evaluator field, or empty.</summary>
    public static string StudyConfig(string dir, string study, int trials, string evaluator, string optimizer = "random", int batch = 4)
    {
        var path = Path.Combine(dir, study + ".yaml");
        File.WriteAllText(path, $"""
            study: {study}
            space: {SmallSpace(dir)}
            baseline: {RepositoryPaths.Config("accelerators", "baseline.yaml")}
            workload_dir: {RepositoryPaths.Config("workloads")}
            workloads: [mobilenet_v2]
            area_budget_mm2: 10
            optimizer: {optimizer}
            trials: {trials}
            batch_size: {batch}
            seed: 3
            database: {Path.Combine(dir, study + ".db")}
            {evaluator}
            """);
        return path;
    }

    public static IReadOnlyList<TrialRecord> Trials(string db, string study)
    {
        using var store = TrialStore.OpenReadOnly(db);
        return store.LoadTrials(store.FindStudy(study)!.Id);
    }

    /// <summary>Everything but timings, every double in round-trip form.</summary>
    public static IEnumerable<string> Fingerprint(IEnumerable<TrialRecord> trials) =>
        trials.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"{t.Number}|{t.Batch}|{string.Join(",", t.Parameters.Select(p => p.Value.ToString("R", CultureInfo.InvariantCulture)))}|{t.Status}|{t.Reward:R}|{t.AreaMm2:R}|{(t.Outcome as TrialOutcome.Infeasible)?.Reason.Message}|{t.Proposer}|{string.Join(",", t.Metrics.Select(m => $"{m.LatencySeconds:R}/{m.ThroughputPerSecond:R}/{m.Speedup:R}"))}"));

    [Fact]
    public async Task The_example_evaluator_stores_the_built_in_models_trials_bit_for_bit()
    {
        var builtIn = StudyConfig(Dir, "builtin", 12, "", optimizer: "evolution");
        var external = StudyConfig(Dir, "external", 12, $"""
            evaluator:
              command: {ExampleCommand}
              timeout_s: 300
              jobs: 4
            """, optimizer: "evolution");

        var a = await CliRunner.Run("search", builtIn, "--no-report");
        Assert.True(a.ExitCode == 0, a.Error + a.Out);
        var b = await CliRunner.Run("search", external, "--no-report");
        Assert.True(b.ExitCode == 0, b.Error + b.Out);

        var expected = Trials(Path.Combine(Dir, "builtin.db"), "builtin");
        var actual = Trials(Path.Combine(Dir, "external.db"), "external");
        Assert.Contains(expected, t => t.Status == TrialStatus.Completed);
        Assert.Equal(Fingerprint(expected), Fingerprint(actual));

        // Each point was written to its own folder, with the files of the protocol.
        var folder = Path.Combine(Dir, "external.db.evaluations", "external");
        Assert.True(File.Exists(Path.Combine(folder, "baseline", "result.json")));
        foreach (var file in new[] { "point.yaml", "point.json", "result.json", "stdout.txt", "stderr.txt" })
        {
            Assert.True(File.Exists(Path.Combine(folder, "trial-11", file)), file);
        }
    }

    /// <summary>
    /// A bash evaluator that misbehaves by trial number and otherwise reports a latency that depends on the point: exit
    /// code 3, a hang (killed at the 1 s timeout), garbage, a missing workload, a negative latency, an unknown stage, a
    /// result with an extra workload, and an honest infeasibility.
    /// </summary>
    public const string Misbehaving = """
        case "$APOLLO_TRIAL" in
          0) echo "simulator crashed: segfault in layer 3" >&2; exit 3 ;;
          1) sleep 30 ;;
          2) echo 'this is not json' > result.json ;;
          3) echo '{"area_mm2": 1, "workloads": {}}' > result.json ;;
          4) echo '{"area_mm2": 1, "workloads": {"mobilenet_v2": {"latency_s": -1}}}' > result.json ;;
          5) echo '{"infeasible": {"stage": "timing", "reason": "too slow"}}' > result.json ;;
          6) echo '{"area_mm2": 1, "workloads": {"mobilenet_v2": {"latency_s": 1}, "resnet50": {"latency_s": 1}}}' > result.json ;;
          7) echo '{"infeasible": {"stage": "compile", "level": "pe_memory", "reason": "tile too big", "needed": 5, "available": 4, "unit": "B"}}' > result.json ;;
          *) lanes=$(grep -o '"lanes": [0-9]*' point.json | grep -o '[0-9]*$')
             echo "{\"area_mm2\": 2, \"workloads\": {\"mobilenet_v2\": {\"latency_s\": $(( 1000 / lanes ))e-6}}}" > result.json ;;
        esac
        """;

    [Fact]
    public async Task A_failing_hanging_or_garbage_writing_command_gives_failed_trials_and_the_study_goes_on_and_resumes()
    {
        var script = Path.Combine(Dir, "misbehaving.sh");
        File.WriteAllText(script, Misbehaving);
        var config = StudyConfig(Dir, "bad", 12, $"""
            evaluator:
              command: bash {script}
              timeout_s: 1
              jobs: 8
            """, batch: 8);

        var first = await CliRunner.Run("search", config, "--trials", "8", "--no-report");
        Assert.True(first.ExitCode == 0, first.Error + first.Out);
        var resumed = await CliRunner.Run("search", config, "--resume", "--no-report");
        Assert.True(resumed.ExitCode == 0, resumed.Error + resumed.Out);
        Assert.Contains("12 trials (8 resumed)", resumed.Out);

        var trials = Trials(Path.Combine(Dir, "bad.db"), "bad");
        Assert.Equal(Enumerable.Range(0, 12), trials.Select(t => t.Number));
        string Error(int n) => Assert.IsType<TrialOutcome.Failed>(trials[n].Outcome).Error;
        Assert.Contains("exited with code 3", Error(0));
        Assert.Contains("simulator crashed: segfault in layer 3", Error(0));
        Assert.Contains("timed out after", Error(1));
        Assert.Contains("process tree was killed", Error(1));
        Assert.Contains("result.json is not JSON", Error(2));
        Assert.Contains("'workloads' lacks mobilenet_v2", Error(3));
        Assert.Contains("'workloads.mobilenet_v2.latency_s' must be positive, got -1", Error(4));
        Assert.Contains("'infeasible.stage' is 'timing'; allowed: area, compile", Error(5));
        Assert.Contains("'resnet50', which is not a workload of the study", Error(6));
        var infeasible = Assert.IsType<TrialOutcome.Infeasible>(trials[7].Outcome);
        Assert.Equal(("tile too big", 5.0, 4.0, "B"), (infeasible.Reason.Message, infeasible.Reason.Needed!.Value, infeasible.Reason.Available!.Value, infeasible.Reason.Unit));

        // The baseline (64 lanes: 15 µs at 2 mm²) and trials past 7 are scored by the reward of the built-in model.
        foreach (var t in trials.Skip(8))
        {
            var lanes = t.Parameters.Single(p => p.Key == "lanes").Value;
            var completed = Assert.IsType<TrialOutcome.Completed>(t.Outcome);
            Assert.Equal(Math.Round(1000 / lanes) * 1e-6, completed.Metrics[0].LatencySeconds, 15);
            Assert.Equal(15e-6 / completed.Metrics[0].LatencySeconds, completed.Reward, 12);
        }
    }

    [Fact]
    public async Task A_baseline_the_evaluator_cannot_score_is_a_config_error_before_any_trial()
    {
        var config = StudyConfig(Dir, "nobase", 4, """
            evaluator:
              command: echo "no simulator here" >&2; exit 1
            """);
        var r = await CliRunner.Run("search", config, "--no-report");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("field 'evaluator': the evaluator could not score the baseline: the evaluator exited with code 1", r.Error);
        Assert.Contains("no simulator here", r.Error);
        Assert.False(File.Exists(Path.Combine(Dir, "nobase.db")));
    }

    [Fact]
    public async Task Evaluate_with_the_config_of_an_external_study_is_refused_rather_than_scored_by_the_built_in_model()
    {
        var config = StudyConfig(Dir, "refused", 4, """
            evaluator:
              command: ./sim
            """);
        var r = await CliRunner.Run("evaluate", "--config", config, "--accelerator", RepositoryPaths.Config("accelerators", "baseline.yaml"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("scores its trials with an external evaluator (./sim)", r.Error);
    }
}
