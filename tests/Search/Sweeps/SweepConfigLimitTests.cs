using Apollo.Configuration;
using Apollo.Search.Optimizers;
using Apollo.Search.Sweeps;
using Apollo.Testing;

namespace Apollo.Search.Tests.Sweeps;

/// <summary>Sweep matrices that would make two cells share a shard, and results paths that cannot be folders, are refused.</summary>
public sealed class SweepConfigLimitTests : IDisposable
{
    private readonly TempFolder _folder = new("apollo-sweepconfig-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_workload_set_listed_twice_is_refused()
    {
        var e = Assert.Throws<ConfigException>(() => Load("  workload_sets: [vision, speech, vision]\n", null));
        Assert.Equal("matrix.workload_sets[2]", e.Field);
        Assert.Contains("duplicate workload set 'vision'", e.Problem);
    }

    [Fact]
    public void Distinct_workload_sets_make_one_cell_each()
    {
        var sweep = Load("  workload_sets: [vision, speech]\n", null);
        Assert.Equal(2, sweep.Cells.Select(c => c.Config.Database).Distinct().Count());
    }

    [Fact]
    public void Results_naming_an_existing_file_is_refused()
    {
        var file = _folder.Write("taken.db", "x");
        var e = Assert.Throws<ConfigException>(() => Load("", "taken.db"));
        Assert.Equal("results", e.Field);
        Assert.Contains($"{file} is a file; 'results' must name a folder", e.Problem);
        var below = Assert.Throws<ConfigException>(() => Load("", "taken.db/sub"));
        Assert.Contains($"{file} is a file", below.Problem);
    }

    [Fact]
    public void Cell_names_that_would_make_too_long_file_names_are_refused()
    {
        var e = Assert.Throws<ConfigException>(() => Load("", null, $"name: {new string('n', 5000)}\n"));
        Assert.Equal("name", e.Field);
        Assert.Contains("has 5015 characters; at most 120", e.Problem);
    }

    [Fact]
    public void Sweep_trials_are_bounded()
    {
        var e = Assert.Throws<ConfigException>(() => Load("", null, "trials: 1e12\n"));
        Assert.Equal("trials", e.Field);
        Assert.Contains("allowed: 1 to 10000000", e.Problem);
    }

    private SweepConfig Load(string matrixExtra, string? results, string extra = "")
    {
        var basePath = _folder.File("base.yaml");
        File.WriteAllText(basePath, $"""
            study: base
            space: {RepositoryPaths.Config("accelerators", "space.yaml")}
            baseline: {RepositoryPaths.Config("accelerators", "baseline.yaml")}
            workload_dir: {RepositoryPaths.Config("workloads")}
            area_budget_mm2: 6.8
            optimizer: random
            trials: 10

            """);
        var path = _folder.Write("sweep.yaml", $"{(extra.StartsWith("name:", StringComparison.Ordinal) ? "" : "name: s\n")}base: base.yaml\n{extra}{(results is null ? "" : $"results: {results}\n")}matrix:\n  optimizers: [random]\n  budgets: [6.8]\n  seeds: [1]\n{matrixExtra}");
        return SweepConfig.Load(path, _folder.Path, RepositoryPaths.Configs, OptimizerRegistry.Default);
    }
}
