using System.Globalization;
using System.Text.Json.Nodes;
using Apollo.Search.Storage;

namespace Apollo.Cli.Tests;

public sealed class BestCommandTests : TestWithTempFolder
{
    private async Task<(string Db, TrialRecord Best)> Study()
    {
        var search = await CliRunner.Run("search", SearchConfig("rt", 20), "--no-report");
        Assert.True(search.ExitCode == 0, search.Error);
        var db = Path.Combine(Dir, "studies.db");
        using var store = TrialStore.OpenReadOnly(db);
        return (db, store.BestTrial(store.FindStudy("rt")!.Id)!);
    }

    [Theory]
    [InlineData("yaml")]
    [InlineData("json")]
    public async Task Best_writes_an_accelerator_file_that_evaluate_prices_the_same(string format)
    {
        var (db, best) = await Study();
        var written = await CliRunner.Run("best", db, "--format", format);
        Assert.True(written.ExitCode == 0, written.Error);
        var file = Path.Combine(Dir, "best." + format);
        File.WriteAllText(file, written.Out);

        var r = await CliRunner.Run("evaluate", "--accelerator", file, "--workloads", "mobilenet_v2", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        var json = JsonNode.Parse(r.Out)!;
        Assert.Equal(best.AreaMm2!.Value, json["area_mm2"]!.GetValue<double>(), 12);
        var latencyMs = json["workloads"]![0]!["latency_ms"]!.GetValue<double>();
        Assert.Equal(best.Metrics.Single().LatencySeconds * 1e3, latencyMs, 9);
        foreach (var (name, value) in best.Parameters)
        {
            Assert.Equal(value, json["accelerator"]![name]!.GetValue<double>());
        }
    }

    [Fact]
    public async Task Best_as_csv_is_one_numeric_row_with_the_trials_columns()
    {
        var (db, best) = await Study();
        var r = await CliRunner.Run("best", db, "--format", "csv");
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        var header = lines[0].Split(',');
        var row = lines[1].Split(',');
        Assert.Equal(best.Reward, double.Parse(row[Array.IndexOf(header, "reward")], CultureInfo.InvariantCulture));
        Assert.Equal(best.Number, int.Parse(row[Array.IndexOf(header, "number")], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Search_study_overrides_the_config_name_so_one_config_fills_one_database_with_two_studies()
    {
        var config = SearchConfig("base", 5);
        Assert.Equal(0, (await CliRunner.Run("search", config, "--no-report", "--study", "first")).ExitCode);
        Assert.Equal(0, (await CliRunner.Run("search", config, "--no-report", "--study", "second", "--seed", "2")).ExitCode);
        using var store = TrialStore.OpenReadOnly(Path.Combine(Dir, "studies.db"));
        Assert.Equal(["first", "second"], store.ListStudies().Select(s => s.Study.Definition.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\tb")]
    public async Task A_bad_study_name_is_refused_before_the_database_is_created(string name)
    {
        var r = await CliRunner.Run("search", SearchConfig("base", 5), "--study", name);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--study", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Dir, "studies.db")));
    }
}
