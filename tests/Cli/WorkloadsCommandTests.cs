using System.Globalization;

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
}
