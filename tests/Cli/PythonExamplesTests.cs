using System.Text.Json.Nodes;
using Apollo.Search.Storage;

namespace Apollo.Cli.Tests;

/// <summary>
/// The Python examples (examples/python) run against this build with Debian's python3-optuna, which
/// scripts/ensure-python-optuna.sh installs when it is missing; the best reward each reports is the reward Apollo
/// gives its best point, bit for bit.
/// </summary>
[Trait("Category", "System")] // installs python3-optuna with apt-get (as root) and runs real apollo processes
public sealed class PythonExamplesTests : TestWithTempFolder
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private static async Task<JsonObject> RunExample(string arguments)
    {
        var r = await ApolloProcess.Bash(
            $"""
            set -euo pipefail
            py="$(bash scripts/ensure-python-optuna.sh)"
            "$py" examples/python/{arguments} --apollo "dotnet '$APOLLO_DLL'"
            """,
            Timeout);
        Assert.True(r.ExitCode == 0, r.Error);
        return JsonNode.Parse(r.Out.Trim().Split('\n')[^1])!.AsObject();
    }

    /// <summary>Apollo's own reward for a point, from <c>evaluate --config</c>.</summary>
    private static async Task<double> Rescore(string config, JsonNode point)
    {
        var r = await CliRunner.RunWithInput(point.ToJsonString() + "\n", "evaluate", "--batch", "--config", config);
        Assert.True(r.ExitCode == 0, r.Error);
        return JsonNode.Parse(r.Out)!["reward"]!.GetValue<double>();
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    [Fact]
    public async Task Optuna_tpe_over_the_streaming_batch_protocol_reports_apollos_reward()
    {
        var config = AskTellTests.NearBaselineConfig(Dir, "random", 40, 1);
        var result = await RunExample($"optuna_tpe_batch.py '{config}' --trials 40 --seed 3");
        Assert.Equal(40, result["trials"]!.GetValue<int>());
        var best = result["best_reward"]!.GetValue<double>();
        Assert.True(best > 0, "TPE found no feasible point in 40 trials of a space around the baseline");
        Assert.Equal(Bits(await Rescore(config, result["best_parameters"]!)), Bits(best));
    }

    [Fact]
    public async Task The_ask_tell_loop_from_python_stores_the_study_it_reports()
    {
        var config = AskTellTests.NearBaselineConfig(Dir, "evolution", 24, 4);
        var db = Path.Combine(Dir, "python.db");
        var result = await RunExample($"optuna_asktell.py '{config}' '{db}' --study py --trials 24 --count 4");
        Assert.Equal(24, result["trials"]!.GetValue<int>());

        using var store = TrialStore.OpenReadOnly(db);
        var study = store.FindStudy("py")!;
        Assert.Equal(24, store.LoadTrials(study.Id).Count);
        Assert.DoesNotContain(store.LoadAsked(study.Id), a => a.IsPending);
        var stored = store.BestTrial(study.Id)!;
        var best = result["best_reward"]!.GetValue<double>();
        Assert.Equal(Bits(stored.Reward), Bits(best));
        Assert.Equal(Bits(await Rescore(config, result["best_parameters"]!)), Bits(best));
    }
}
