using Apollo.Testing;
using Microsoft.Data.Sqlite;

namespace Apollo.Cli.Tests;

/// <summary>A test's own temporary folder, deleted afterwards (SQLite's pooled handles are closed first).</summary>
public abstract class TestWithTempFolder : IDisposable
{
    protected string Dir { get; } = Directory.CreateTempSubdirectory("apollo-cli-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>A small search config over the shipped space and baseline whose database is <c>studies.db</c> in the folder.</summary>
    protected string SearchConfig(string study, int trials, string file = "search.yaml")
    {
        var path = Path.Combine(Dir, file);
        File.WriteAllText(path, $"""
            study: {study}
            space: {RepositoryPaths.Config("accelerators", "space.yaml")}
            baseline: {RepositoryPaths.Config("accelerators", "baseline.yaml")}
            workload_dir: {RepositoryPaths.Config("workloads")}
            workloads: [mobilenet_v2]
            area_budget_mm2: 6.8
            optimizer: random
            trials: {trials}
            batch_size: 10
            database: {Path.Combine(Dir, "studies.db")}
            """);
        return path;
    }
}
