using System.Globalization;
using System.Text.Json.Nodes;

namespace Apollo.Cli.Tests;

/// <summary>Every read command takes --format table|json|csv; CSV cells are plain invariant numbers, JSON keys snake_case.</summary>
public sealed class ReadFormatsTests : TestWithTempFolder
{
    private async Task<string> Study()
    {
        var search = await CliRunner.Run("search", SearchConfig("formats", 10), "--no-report");
        Assert.True(search.ExitCode == 0, search.Error);
        return Path.Combine(Dir, "studies.db");
    }

    private static IReadOnlyList<string[]> Csv(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.Error);
        return r.Out.Trim().Split('\n').Select(l => l.Split(',')).ToList();
    }

    private static void AssertSnakeCase(JsonNode node)
    {
        if (node is JsonObject o)
        {
            foreach (var (key, value) in o)
            {
                Assert.Matches("^[a-z][a-z0-9_]*$", key);
                if (value is not null)
                {
                    AssertSnakeCase(value);
                }
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var item in a.OfType<JsonNode>())
            {
                AssertSnakeCase(item);
            }
        }
    }

    private static List<JsonNode> JsonLines(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Trim().Split('\n').Select(l => JsonNode.Parse(l)!).ToList();
        lines.ForEach(AssertSnakeCase);
        return lines;
    }

    [Fact]
    public async Task Studies_and_summary_as_csv_and_json_carry_the_same_numbers()
    {
        var db = await Study();
        var csv = Csv(await CliRunner.Run("studies", db, "--format", "csv"));
        Assert.Equal("study,optimizer,seed,area_budget_mm2,trials,requested_trials,feasible,best_reward,best_trial,created,hypervolume", string.Join(",", csv[0]));
        Assert.Equal(["formats", "random", "6.8", "10", "10"], new[] { 0, 1, 3, 4, 5 }.Select(i => csv[1][i]));
        var json = JsonLines(await CliRunner.Run("studies", db, "--format", "json")).Single();
        Assert.Equal(10, json["trials"]!.GetValue<int>());
        Assert.Equal(6.8, json["area_budget_mm2"]!.GetValue<double>());

        var summary = Csv(await CliRunner.Run("summary", db, "--format", "csv"));
        var row = JsonLines(await CliRunner.Run("summary", db, "--format", "json")).Single();
        Assert.Equal(summary[0], row.AsObject().Select(kv => kv.Key).ToArray());
        Assert.Equal(double.Parse(summary[1][Array.IndexOf(summary[0], "median_best")], CultureInfo.InvariantCulture), row["median_best"]!.GetValue<double>());
        var table = await CliRunner.Run("summary", db, "--format", "table");
        Assert.Contains("│ random", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Space_as_csv_is_one_numeric_value_per_row_and_json_has_the_size()
    {
        var csv = Csv(await CliRunner.Run("space", "--format", "csv"));
        Assert.Equal(["parameter", "unit", "value"], csv[0]);
        Assert.Equal(10 + 10 + 7 + 10 + 7 + 11 + 7 + 4 + 5 + 6, csv.Count - 1);
        Assert.All(csv.Skip(1), r => double.Parse(r[2], NumberStyles.Float, CultureInfo.InvariantCulture));
        var json = JsonLines(await CliRunner.Run("space", "--format", "json")).Single();
        Assert.Equal(452_760_000L, json["size"]!.GetValue<long>());
    }

    [Fact]
    public async Task Census_as_csv_and_json_has_fractions_not_percent_strings()
    {
        var csv = Csv(await CliRunner.Run("census", "--samples", "50", "--workload-set", "vision", "--format", "csv"));
        Assert.Equal(["outcome", "stage", "level", "points", "fraction_of_all", "fraction_of_within_budget"], csv[0]);
        Assert.Equal(50, csv.Skip(1).Sum(r => int.Parse(r[3], CultureInfo.InvariantCulture)));
        Assert.Equal(1.0, csv.Skip(1).Sum(r => double.Parse(r[4], CultureInfo.InvariantCulture)), 9);
        var json = JsonLines(await CliRunner.Run("census", "--samples", "50", "--workload-set", "vision", "--format", "json")).Single();
        Assert.Equal(50, json["samples"]!.GetValue<int>());
        Assert.Equal(50, json["outcomes"]!.AsArray().Sum(o => o!["points"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Sweep_status_as_csv_and_json_lists_every_cell()
    {
        var sweep = SweepCommandTests.WriteSweep(Dir, "fmt", "  optimizers: [random]\n  budgets: [6.8]\n  seeds: [1, 2]", 4);
        var csv = Csv(await CliRunner.Run("sweep", "status", sweep, "--format", "csv"));
        Assert.Equal(["index", "cell", "trials", "requested_trials", "best_reward", "state", "slurm_state", "shard"], csv[0]);
        Assert.Equal(["0", "fmt-random-b6.8-s1", "0", "4", "", "pending", ""], csv[1][..7]);
        var json = JsonLines(await CliRunner.Run("sweep", "status", sweep, "--format", "json"));
        Assert.Equal(2, json.Count);
        Assert.Equal("pending", json[1]["state"]!.GetValue<string>());
    }

    /// <summary>A table's header titles (the first row between the box-drawing bars).</summary>
    private static List<string> Titles(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.Error);
        var header = r.Out.Split('\n').First(l => l.StartsWith('│'));
        return header.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    /// <summary>A CSV column as a table titles it: underscores as spaces, the mm² unit as its symbol.</summary>
    private static string Words(string column) => column.Replace("_mm2", " mm²", StringComparison.Ordinal).Replace('_', ' ');

    [Fact]
    public async Task Table_titles_are_the_csv_columns_in_words()
    {
        var db = await Study();
        var studies = Csv(await CliRunner.Run("studies", db, "--format", "csv"))[0].Select(Words).ToList();
        Assert.All(Titles(await CliRunner.Run("studies", db)), t => Assert.Contains(t, studies));

        var census = Csv(await CliRunner.Run("census", "--samples", "20", "--workload-set", "vision", "--format", "csv"))[0].Select(Words).ToList();
        Assert.All(Titles(await CliRunner.Run("census", "--samples", "20", "--workload-set", "vision")), t => Assert.Contains(t, census));

        var sweep = SweepCommandTests.WriteSweep(Dir, "titles", "  optimizers: [random]\n  budgets: [6.8]\n  seeds: [1]", 4);
        var status = Csv(await CliRunner.Run("sweep", "status", sweep, "--format", "csv"))[0].Select(Words).ToList();
        Assert.All(Titles(await CliRunner.Run("sweep", "status", sweep)), t => Assert.Contains(t, status));
    }
}
