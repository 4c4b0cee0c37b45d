using Apollo.Configuration;
using Apollo.Search.Optimizers;
using Apollo.Search.Studies;
using Apollo.Testing;

namespace Apollo.Search.Tests.Studies;

/// <summary>Hostile values in a search config are one-line config errors naming the field and the range.</summary>
public sealed class SearchConfigLimitTests : IDisposable
{
    private readonly TempFolder _folder = new("apollo-searchconfig-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_shipped_config_loads()
    {
        var config = SearchConfig.Load(RepositoryPaths.Config("searches", "quickstart.yaml"), _folder.Path, RepositoryPaths.Configs, OptimizerRegistry.Default);
        Assert.Equal("quickstart", config.Study);
    }

    [Theory]
    [InlineData("stop: {wall_clock_minutes: 1e308}", "stop.wall_clock_minutes", "up to 525960 (one year)")]
    [InlineData("stop: {wall_clock_minutes: 0}", "stop.wall_clock_minutes", "positive number of minutes")]
    [InlineData("stop: {no_improvement_trials: 2147483648}", "stop.no_improvement_trials", "allowed: 1 to 10000000")]
    [InlineData("trials: 1e300", "trials", "allowed: 1 to 10000000")]
    [InlineData("batch_size: 1000000", "batch_size", "allowed: 1 to 4096")]
    [InlineData("threads: -1", "threads", "allowed: 0 to 1024")]
    [InlineData("area_budget_mm2: 1e308", "area_budget_mm2", "up to 100000")]
    [InlineData("study: sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss", "study", "has 121 characters; at most 120")]
    [InlineData("database: .", "database", "is a folder; 'database' names the SQLite file")]
    [InlineData("workloads: []", "workloads", "must name at least one workload")]
    [InlineData("workloads: [unet, crnn, unet]", "workloads[2]", "workload 'unet' is listed twice")]
    [InlineData("workloads: [unet]\nworkload_weights: {unet: 1e308}", "workload_weights.unet", "allowed: 1E-06 to 1000000")]
    public void Out_of_range_values_name_the_field_and_the_range(string line, string field, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => Load(Base(line)));
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("space: /dev/zero", "space", "not a regular file")]
    [InlineData("baseline: .", "baseline", "is a folder")]
    public void A_named_file_that_is_not_a_regular_file_is_refused_at_its_field(string line, string field, string problem)
    {
        if (!File.Exists("/dev/zero"))
        {
            return; // Windows
        }

        var e = Assert.Throws<ConfigException>(() => Load(Base(line)));
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e300)]
    [InlineData(-1)]
    public void A_command_line_budget_must_be_finite_and_in_range(double budget)
    {
        var config = Load(Base(""));
        var e = Assert.Throws<ConfigException>(() => config.With(null, null, null, budget, null, _folder.Path, OptimizerRegistry.Default));
        Assert.Equal("--budget", e.Field);
    }

    private SearchConfig Load(string text)
    {
        var path = _folder.Write("search.yaml", text);
        return SearchConfig.Load(path, _folder.Path, RepositoryPaths.Configs, OptimizerRegistry.Default);
    }

    private static string Base(string extra)
    {
        var lines = new Dictionary<string, string>
        {
            ["study"] = "study: s",
            ["space"] = $"space: {RepositoryPaths.Config("accelerators", "space.yaml")}",
            ["baseline"] = $"baseline: {RepositoryPaths.Config("accelerators", "baseline.yaml")}",
            ["workload_dir"] = $"workload_dir: {RepositoryPaths.Config("workloads")}",
            ["area_budget_mm2"] = "area_budget_mm2: 6.8",
            ["optimizer"] = "optimizer: random",
            ["trials"] = "trials: 10",
        };
        var replaced = extra.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[0]).ToHashSet();
        return string.Join('\n', lines.Where(kv => !replaced.Contains(kv.Key)).Select(kv => kv.Value).Append(extra)) + "\n";
    }
}
