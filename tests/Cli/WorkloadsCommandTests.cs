using System.Globalization;
using System.Text.Json.Nodes;
using Apollo.Search.Storage;
using Apollo.Testing;

namespace Apollo.Cli.Tests;

public sealed class WorkloadsCommandTests : TestWithTempFolder
{
    private const string Tiny = "domain: classification\ndescription: a user network\nsource: mine\nlayers:\n  - {name: fc, op: matmul, k: 64, n: 10}\n";

    private string UserDir(string name = "tiny")
    {
        var dir = Directory.CreateDirectory(Path.Combine(Dir, "mine")).FullName;
        File.WriteAllText(Path.Combine(dir, name + ".yaml"), $"name: {name}\n" + Tiny);
        return dir;
    }

    [Fact]
    public async Task List_as_csv_has_numeric_totals_of_every_shipped_network_and_the_users_first()
    {
        var r = await CliRunner.Run("workloads", "list", "--workload-dir", UserDir(), "--format", "csv");
        Assert.True(r.ExitCode == 0, r.Error);
        var rows = r.Out.Trim().Split('\n').Select(l => l.Split(',')).ToList();
        Assert.Equal(["name", "domain", "layers", "macs", "parameters", "sets", "file"], rows[0]);
        Assert.Equal(["tiny", "classification", "1", "640", "640"], rows[1][..5]);
        var mobilenet = rows.Single(row => row[0] == "mobilenet_v2");
        Assert.InRange(long.Parse(mobilenet[3], CultureInfo.InvariantCulture), 290_000_000, 310_000_000);
    }

    [Fact]
    public async Task A_name_defined_by_the_user_and_shipped_is_the_users()
    {
        var r = await CliRunner.Run("workloads", "show", "crnn", "--workload-dir", UserDir("crnn"), "--format", "csv");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("layer,op,repeat,macs,parameters\nfc,Matmul,1,640,640", r.Out.Trim());
    }

    [Fact]
    public async Task Show_prints_a_layer_table_and_the_totals_with_the_published_figures()
    {
        var r = await CliRunner.Run("workloads", "show", "mobilenet_v2");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("mobilenet_v2 (classification):", r.Out, StringComparison.Ordinal);
        Assert.Contains("(published: ", r.Out, StringComparison.Ordinal);
        var unknown = await CliRunner.Run("workloads", "show", "mobilenet_v9");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown workload 'mobilenet_v9'", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_prints_the_totals_or_the_one_line_config_error()
    {
        var dir = UserDir();
        var ok = await CliRunner.Run("workloads", "check", Path.Combine(dir, "tiny.yaml"));
        Assert.True(ok.ExitCode == 0, ok.Error);
        Assert.Equal("ok: tiny: 1 layers, 640 MACs, 640 parameters", ok.Out.Trim());

        var bad = Path.Combine(dir, "bad.yaml");
        File.WriteAllText(bad, "name: bad\n" + Tiny.Replace("k: 64", "k: -64", StringComparison.Ordinal));
        var r = await CliRunner.Run("workloads", "check", bad);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.StartsWith($"error: {bad}:", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_reads_a_users_network_beside_the_shipped_ones()
    {
        var r = await CliRunner.Run("evaluate", "--accelerator", RepositoryPaths.Config("accelerators", "baseline.yaml"),
            "--workload-dir", UserDir(), "--workloads", "tiny,mobilenet_v2", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        var names = JsonNode.Parse(r.Out)!["workloads"]!.AsArray().Select(w => (string)w!["name"]!).ToList();
        Assert.Equal(["tiny", "mobilenet_v2"], names);
    }

    [Fact]
    public async Task A_search_config_lists_several_workload_folders_and_the_shipped_networks_stay_available()
    {
        var user = UserDir();
        var other = Directory.CreateDirectory(Path.Combine(Dir, "other")).FullName;
        File.WriteAllText(Path.Combine(other, "tiny2.yaml"), "name: tiny2\n" + Tiny);
        var config = File.ReadAllText(SearchConfig("layered", 80)).Replace(
            $"workload_dir: {RepositoryPaths.Config("workloads")}\nworkloads: [mobilenet_v2]",
            $"workload_dir: [{user}, {other}]\nworkloads: [tiny, tiny2, mobilenet_v2]", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(Dir, "layered.yaml"), config);
        var r = await CliRunner.Run("search", Path.Combine(Dir, "layered.yaml"), "--no-report");
        Assert.True(r.ExitCode == 0, r.Error);

        using var store = TrialStore.OpenReadOnly(Path.Combine(Dir, "studies.db"));
        var study = store.FindStudy("layered")!;
        Assert.Contains($"workload_dir: ['{user}', '{other}']", study.Definition.ConfigSnapshot, StringComparison.Ordinal);
        var completed = store.LoadTrials(study.Id).Where(t => t.Outcome is TrialOutcome.Completed).ToList();
        Assert.NotEmpty(completed);
        Assert.All(completed, t => Assert.Equal(["tiny", "tiny2", "mobilenet_v2"], ((TrialOutcome.Completed)t.Outcome).Metrics.Select(m => m.Workload)));

        File.WriteAllText(Path.Combine(Dir, "missing.yaml"), config.Replace(other, Path.Combine(Dir, "nope"), StringComparison.Ordinal));
        var missing = await CliRunner.Run("search", Path.Combine(Dir, "missing.yaml"), "--no-report");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("field 'workload_dir[1]'", missing.Error, StringComparison.Ordinal);
        Assert.Contains("folder not found", missing.Error, StringComparison.Ordinal);
    }
}
