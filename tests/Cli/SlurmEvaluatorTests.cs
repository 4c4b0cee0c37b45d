using Apollo.Search.Storage;

namespace Apollo.Cli.Tests;

/// <summary>
/// External evaluators on a real (one-node) Slurm cluster, started by experiments/slurm/local-cluster.sh: one sbatch
/// job per batch runs the script evaluator of <see cref="ExternalEvaluatorTests"/>, and the study stores the same
/// trials as the same study run locally, failed, timed-out and infeasible ones included.
/// </summary>
[Trait("Category", "System")] // needs root and a local Slurm cluster; excluded from the quick loop
[Collection(LocalSlurmCollection.Name)]
public sealed class SlurmEvaluatorTests : TestWithTempFolder
{
    [Fact]
    public async Task One_slurm_job_per_batch_stores_the_trials_of_a_local_run()
    {
        using var cluster = LocalSlurmCluster.Started();

        var script = Path.Combine(Dir, "misbehaving.sh");
        File.WriteAllText(script, ExternalEvaluatorTests.Misbehaving);
        string Evaluator(string backend) => $"""
            evaluator:
              command: bash {script}
              timeout_s: 1
              jobs: 4
              backend: {backend}
            """;
        var local = ExternalEvaluatorTests.StudyConfig(Dir, "local", 12, Evaluator("local"), batch: 6);
        var slurm = ExternalEvaluatorTests.StudyConfig(Dir, "slurm", 12, Evaluator("slurm"), batch: 6);

        var a = await CliRunner.Run("search", local, "--no-report");
        Assert.True(a.ExitCode == 0, a.Error + a.Out);
        var b = await CliRunner.Run("search", slurm, "--no-report");
        Assert.True(b.ExitCode == 0, b.Error + b.Out + Logs());

        var expected = ExternalEvaluatorTests.Trials(Path.Combine(Dir, "local.db"), "local");
        var actual = ExternalEvaluatorTests.Trials(Path.Combine(Dir, "slurm.db"), "slurm");
        Assert.Equal(ExternalEvaluatorTests.Fingerprint(expected), ExternalEvaluatorTests.Fingerprint(actual));
        Assert.Contains("timed out after", Assert.IsType<TrialOutcome.Failed>(actual[1].Outcome).Error);
        Assert.Contains("simulator crashed", Assert.IsType<TrialOutcome.Failed>(actual[0].Outcome).Error);

        // The baseline and two batches: three jobs, each with its script and log.
        var folder = Path.Combine(Dir, "slurm.db.evaluations", "slurm", "slurm");
        Assert.Equal(["baseline.sbatch", "trial-0.sbatch", "trial-6.sbatch"], Directory.GetFiles(folder, "*.sbatch").Select(Path.GetFileName).Order());
        Assert.Equal(3, Directory.GetFiles(folder, "*.log").Length);
    }

    private string Logs()
    {
        var folder = Path.Combine(Dir, "slurm.db.evaluations", "slurm", "slurm");
        return Directory.Exists(folder)
            ? string.Join("\n", Directory.GetFiles(folder).Select(f => $"--- {f}\n{File.ReadAllText(f)}"))
            : "(no job files)";
    }
}
