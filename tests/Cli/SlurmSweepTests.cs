using System.Diagnostics;
using Apollo.Cli.Commands;
using Apollo.Search.Storage;
using Apollo.Testing;
using Microsoft.Data.Sqlite;

namespace Apollo.Cli.Tests;

/// <summary>
/// A sweep on a real (one-node) Slurm cluster: experiments/slurm/local-cluster.sh installs and starts slurm-wlm and
/// munge (as root), the sweep is submitted as a job array whose tasks run this build's apollo.dll, and the shards
/// are merged. The daemons are stopped again unless they were already running before the test.
/// </summary>
[Trait("Category", "System")] // needs root and a local Slurm cluster; excluded from the quick loop
[Collection(LocalSlurmCollection.Name)]
public sealed class SlurmSweepTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apollo-slurm-").FullName;
    private readonly LocalSlurmCluster _cluster = new();

    public void Dispose()
    {
        _cluster.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_sweep_submitted_to_slurm_fills_every_shard_and_merges()
    {
        _cluster.Start();

        var sweep = SweepCommandTests.WriteSweep(_dir, "slurm", """
              optimizers: [random, evolution]
              budgets: [6.8]
              seeds: [1, 2]
            """, trials: 50);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var apollo = $"{dotnet} {Path.Combine(AppContext.BaseDirectory, "apollo.dll")}";
        var watch = Stopwatch.StartNew();
        var submit = await CliRunner.Run("sweep", sweep, "--backend", "slurm", "--apollo-command", apollo);
        Assert.True(submit.ExitCode == 0, submit.Error + submit.Out);
        var jobId = File.ReadAllText(Path.Combine(_dir, "results", "slurm", "job-id")).Trim();
        Assert.Matches("^[0-9]+$", jobId);

        string[] cells = ["slurm-random-b6.8-s1", "slurm-random-b6.8-s2", "slurm-evolution-b6.8-s1", "slurm-evolution-b6.8-s2"];
        var shards = cells.Select(c => Path.Combine(_dir, "results", "shards", c + ".db")).ToArray();
        while (SlurmQueue.Active(jobId) == true || !cells.Zip(shards).All(c => Trials(c.Second, c.First) == 50))
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(5))
            {
                var status = await CliRunner.Run("sweep", "status", sweep);
                Assert.Fail($"the job array did not finish in 5 minutes:\n{status.Out}\n{Logs()}");
            }

            await Task.Delay(500);
        }

        var merged = Path.Combine(_dir, "merged.db");
        var merge = await CliRunner.Run(["merge", .. shards, "--out", merged]);
        Assert.True(merge.ExitCode == 0, merge.Error + "\n" + Logs());
        using var store = TrialStore.OpenReadOnly(merged);
        Assert.Equal(cells.Order(), store.ListStudies().Select(s => s.Study.Definition.Name).Order());
        foreach (var s in store.ListStudies())
        {
            Assert.Equal(Enumerable.Range(0, 50), store.LoadTrials(s.Study.Id).Select(t => t.Number));
        }

        Assert.Equal(4, Directory.GetFiles(Path.Combine(_dir, "results", "slurm", "logs"), $"{jobId}_*.log").Length);
    }

    private static int Trials(string shard, string study)
    {
        if (!File.Exists(shard))
        {
            return 0;
        }

        try
        {
            using var store = TrialStore.OpenReadOnly(shard);
            return store.ListStudies().FirstOrDefault(s => s.Study.Definition.Name == study)?.Trials ?? 0;
        }
        catch (Exception e) when (e is StoreException or SqliteException)
        {
            return 0; // the task is creating the schema
        }
    }

    private string Logs()
    {
        var folder = Path.Combine(_dir, "results", "slurm", "logs");
        return Directory.Exists(folder)
            ? string.Join("\n", Directory.GetFiles(folder).Select(f => $"--- {f}\n{File.ReadAllText(f)}"))
            : "(no task logs)";
    }
}
