using Apollo.Search.Storage;
using Apollo.Testing;
using Microsoft.Data.Sqlite;

namespace Apollo.Cli.Tests;

public sealed class SweepCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apollo-sweep-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A base search config and a sweep over it; results go under the temp folder.</summary>
    internal static string WriteSweep(string dir, string name, string matrix, int trials)
    {
        File.WriteAllText(Path.Combine(dir, "base.yaml"), $"""
            study: base
            space: {RepositoryPaths.Config("accelerators", "space.yaml")}
            baseline: {RepositoryPaths.Config("accelerators", "baseline.yaml")}
            workload_dir: {RepositoryPaths.Config("workloads")}
            workloads: [mobilenet_v2]
            area_budget_mm2: 6.8
            optimizer: random
            trials: 1000
            batch_size: 8
            """);
        var path = Path.Combine(dir, name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            base: base.yaml
            trials: {trials}
            results: {Path.Combine(dir, "results")}
            matrix:
            {matrix}
            """);
        return path;
    }

    private const string SmallMatrix = """
          optimizers: [random, {name: evolution, options: {population: 8}}]
          budgets: [6.8]
          seeds: [1, 2]
        """;

    private static int StoredTrials(string shard, string study)
    {
        using var store = TrialStore.OpenReadOnly(shard);
        return store.ListStudies().Single(s => s.Study.Definition.Name == study).Trials;
    }

    [Fact]
    public async Task Summary_keeps_two_labelled_configurations_of_one_optimizer_apart()
    {
        var sweep = WriteSweep(_dir, "labels", """
              optimizers: [{name: evolution, label: small, options: {population: 4}}, {name: evolution, label: large, options: {population: 12, survivors: latest}}, evolution]
              budgets: [6.8]
              seeds: [1, 2]
            """, 16);
        var run = await CliRunner.Run("sweep", sweep, "--jobs", "2");
        Assert.True(run.ExitCode == 0, run.Error + run.Out);
        var shards = Directory.GetFiles(Path.Combine(_dir, "results", "shards"), "*.db");
        var summary = await CliRunner.Run(["summary", .. shards, "--format", "json"]);
        var rows = summary.Out.Trim().Split('\n').Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        Assert.Equal(
            ["evolution", "evolution {population: 12, survivors: latest}", "evolution {population: 4}"],
            rows.Select(r => (string)r["optimizer"]!).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(2, (int)r["runs"]!)); // two runs each, not six pooled
    }

    [Fact]
    public async Task A_local_sweep_runs_every_cell_into_its_shard_and_a_rerun_skips_finished_cells()
    {
        var sweep = WriteSweep(_dir, "small", SmallMatrix, 24);
        var run = await CliRunner.Run("sweep", sweep, "--jobs", "2");
        Assert.True(run.ExitCode == 0, run.Error + run.Out);
        Assert.Contains("cells: 4 done, 0 running, 0 pending, 0 failed (of 4)", run.Out);
        string[] cells = ["small-random-b6.8-s1", "small-random-b6.8-s2", "small-evolution-b6.8-s1", "small-evolution-b6.8-s2"];
        foreach (var cell in cells)
        {
            Assert.Equal(24, StoredTrials(Path.Combine(_dir, "results", "shards", cell + ".db"), cell));
        }

        var again = await CliRunner.Run("sweep", sweep);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("(4 already finished)", again.Out);
        Assert.DoesNotContain("start ", again.Out);

        // A larger trial budget resumes every cell.
        File.WriteAllText(sweep, File.ReadAllText(sweep).Replace("trials: 24", "trials: 32", StringComparison.Ordinal));
        var extended = await CliRunner.Run("sweep", sweep, "--jobs", "1");
        Assert.True(extended.ExitCode == 0, extended.Error);
        Assert.Equal(32, StoredTrials(Path.Combine(_dir, "results", "shards", cells[3] + ".db"), cells[3]));

        var status = await CliRunner.Run("sweep", "status", sweep);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("4 of 4 cells done, 128 of 128 trials", status.Out);

        var shards = cells.Select(c => Path.Combine(_dir, "results", "shards", c + ".db")).ToArray();
        var merged = Path.Combine(_dir, "merged.db");
        var merge = await CliRunner.Run(["merge", .. shards, "--out", merged]);
        Assert.True(merge.ExitCode == 0, merge.Error);
        Assert.Contains("4 studies copied", merge.Out);
        var twice = await CliRunner.Run(["merge", .. shards, "--out", merged]);
        Assert.Equal(0, twice.ExitCode);
        Assert.Contains("4 already present", twice.Out);
    }

    [Fact]
    public async Task A_bad_shard_is_reported_and_the_merge_exits_1_after_merging_the_good_ones()
    {
        var sweep = WriteSweep(_dir, "one", "  optimizers: [random]\n  budgets: [6.8]\n  seeds: [1]", 8);
        Assert.Equal(0, (await CliRunner.Run("sweep", sweep)).ExitCode);
        var bad = Path.Combine(_dir, "bad.db");
        File.WriteAllText(bad, "garbage");
        var merged = Path.Combine(_dir, "merged.db");
        var r = await CliRunner.Run("merge", Path.Combine(_dir, "results", "shards", "one-random-b6.8-s1.db"), bad, "--out", merged);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(bad, r.Error);
        Assert.Contains("not an SQLite database", r.Error);
        Assert.Equal(8, StoredTrials(merged, "one-random-b6.8-s1"));
    }

    [Theory]
    [InlineData("  optimizers: [random, annealing]\n  budgets: [6.8]\n  seeds: [1]", "matrix.optimizers[1]", "random, gp-ei, evolution, p3bo")]
    [InlineData("  optimizers: [random]\n  budgets: [6.8, -1]\n  seeds: [1]", "matrix.budgets[1]", "positive")]
    [InlineData("  optimizers: [random]\n  budgets: [6.8]\n  seeds: [1, 1]", "matrix.seeds[1]", "duplicate seed")]
    [InlineData("  optimizers: [random]\n  budgets: [6.8]\n  seeds: []", "matrix.seeds", "at least one")]
    [InlineData("  optimizers: [random]\n  budgets: [6.8]\n  seeds: [1]\n  workload_sets: [vision, nope]", "matrix.workload_sets[1]", "valid sets")]
    [InlineData("  optimizers: [random]\n  budgets: [6.8]\n  seeds: [1]\n  colours: [red]", "matrix.colours", "allowed fields: optimizers, budgets, seeds, workload_sets")]
    [InlineData("  optimizers: [random, {name: random, options: {}}]\n  budgets: [6.8]\n  seeds: [1]", "matrix.optimizers[1]", "label")]
    public async Task Bad_sweep_fields_name_file_line_field_and_what_is_allowed(string matrix, string field, string allowed)
    {
        var sweep = WriteSweep(_dir, "bad", matrix, 8);
        var r = await CliRunner.Run("sweep", sweep);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.yaml:", r.Error);
        Assert.Contains($"field '{field}'", r.Error);
        Assert.Contains(allowed, r.Error);
        Assert.False(Directory.Exists(Path.Combine(_dir, "results")));
    }

    [Fact]
    public async Task Slurm_dry_run_writes_a_job_array_that_calls_the_given_apollo_by_absolute_path()
    {
        var sweep = WriteSweep(_dir, "arr", SmallMatrix, 8);
        var r = await CliRunner.Run("sweep", sweep, "--backend", "slurm", "--dry-run", "--partition", "debug", "--time", "0:10:00", "--cpus-per-task", "2",
            "--apollo-command", "dotnet /opt/apollo/apollo.dll");
        Assert.True(r.ExitCode == 0, r.Error);
        var script = File.ReadAllText(Path.Combine(_dir, "results", "slurm", "sweep.sbatch"));
        Assert.Contains("#SBATCH --array=0-3", script);
        Assert.Contains($"#SBATCH --output={Path.Combine(_dir, "results", "slurm", "logs")}/%A_%a.log", script);
        Assert.Contains("#SBATCH --cpus-per-task=2", script);
        Assert.Contains("#SBATCH --partition=debug", script);
        Assert.Contains("#SBATCH --time=0:10:00", script);
        Assert.Contains($"exec dotnet /opt/apollo/apollo.dll sweep-cell {sweep} --index \"$SLURM_ARRAY_TASK_ID\"", script);
        Assert.Contains(script, r.Out);
        Assert.False(File.Exists(Path.Combine(_dir, "results", "slurm", "job-id")));
    }

    [Fact]
    public async Task Sweep_cell_runs_exactly_one_cell_and_rejects_an_index_out_of_range()
    {
        var sweep = WriteSweep(_dir, "cells", SmallMatrix, 8);
        var r = await CliRunner.Run("sweep-cell", sweep, "--index", "2");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(["cells-evolution-b6.8-s1.db"], Directory.GetFiles(Path.Combine(_dir, "results", "shards"), "*.db").Select(Path.GetFileName));
        Assert.Contains("already finished", (await CliRunner.Run("sweep-cell", sweep, "--index", "2")).Out);

        var outOfRange = await CliRunner.Run("sweep-cell", sweep, "--index", "4");
        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Contains("0..3", outOfRange.Error);
    }
}
