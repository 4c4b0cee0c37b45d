using Apollo.Search.Storage;
using Apollo.Testing;

namespace Apollo.Cli.Tests;

/// <summary>Transfer (issue 12): warm starts from prior studies through YAML and --transfer-from.</summary>
public sealed partial class SearchCommandTests
{
    /// <summary>A finished source study on one workload, as an architect's earlier search would be.</summary>
    private async Task<string> Source(string name, int trials = 48, string extra = "")
    {
        var r = await CliRunner.Run("search", Config(name, "evolution", trials, workloads: "[mobilenet_v2]", extra: extra), "--no-report");
        Assert.True(r.ExitCode == 0, r.Error);
        return Path.Combine(_dir, name + ".db");
    }

    [Fact]
    public async Task A_transfer_study_runs_from_yaml_and_from_the_command_line_with_the_same_trials()
    {
        var source = await Source("source");
        var yaml = Config("warm-yaml", "evolution", 32, extra: $"transfer: [{{database: {source}, study: source}}]");
        var fromYaml = await CliRunner.Run("search", yaml, "--no-report");
        Assert.True(fromYaml.ExitCode == 0, fromYaml.Error);
        Assert.Contains("transfer from 'source'", fromYaml.Out);

        var fromCli = await CliRunner.Run("search", Config("warm-cli", "evolution", 32), "--transfer-from", source, "--no-report");
        Assert.True(fromCli.ExitCode == 0, fromCli.Error);
        var warm = Trials(Path.Combine(_dir, "warm-cli.db"), "warm-cli");
        Assert.Equal(Fingerprint(Trials(Path.Combine(_dir, "warm-yaml.db"), "warm-yaml")), Fingerprint(warm));

        // The first population is the source's best feasible designs, re-evaluated as ordinary trials.
        var best = Trials(source, "source").Where(t => t.Status == TrialStatus.Completed).OrderByDescending(t => t.Reward).First();
        Assert.Contains(warm.Take(16), t => t.Parameters.SequenceEqual(best.Parameters));
        var cold = Config("cold", "evolution", 32);
        Assert.Equal(0, (await CliRunner.Run("search", cold, "--no-report")).ExitCode);
        Assert.NotEqual(Fingerprint(Trials(Path.Combine(_dir, "cold.db"), "cold")), Fingerprint(warm));

        var studies = await CliRunner.Run("studies", Path.Combine(_dir, "warm-cli.db"), "--format", "csv");
        Assert.Contains($"source@{source}", studies.Out);

        // The report re-evaluates the warm study's best design from its snapshot, transfer sources and all.
        var report = await CliRunner.Run("report", Path.Combine(_dir, "warm-cli.db"), "--no-maps", "--out", Path.Combine(_dir, "warm-report"));
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.DoesNotContain("cannot re-evaluate", report.Error);
    }

    [Fact]
    public async Task A_multi_objective_study_refuses_transfer_with_one_line()
    {
        var source = await Source("scalar");
        var r = await CliRunner.Run("search", Config("front", "nsga2", 16, extra: "objectives: [latency, area]"), "--transfer-from", source, "--no-report");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains("multi-objective", r.Error);
        Assert.False(File.Exists(Path.Combine(_dir, "front.db")), "nothing is written before the config is accepted");
    }

    [Fact]
    public async Task A_changed_prior_is_refused_on_resume()
    {
        var source = await Source("prior");
        var config = Config("follower", "evolution", 16, extra: $"transfer: [{{database: {source}}}]");
        Assert.Equal(0, (await CliRunner.Run("search", config, "--no-report")).ExitCode);
        Assert.Equal(0, (await CliRunner.Run("search", Config("prior", "evolution", 64, workloads: "[mobilenet_v2]"), "--resume", "--no-report")).ExitCode);
        var resumed = await CliRunner.Run("search", config, "--resume", "--trials", "32", "--no-report");
        Assert.Equal(2, resumed.ExitCode);
        Assert.Contains("transfer", resumed.Error);
        Assert.Contains("digest", resumed.Error);
    }

    [Fact]
    public async Task A_source_of_another_space_is_refused_with_one_line_naming_it()
    {
        var space = Path.Combine(_dir, "narrow-space.yaml");
        File.WriteAllText(space, File.ReadAllText(RepositoryPaths.Config("accelerators", "space.yaml"))
            .Replace("../technology/edge-7nm.yaml", RepositoryPaths.Config("technology", "edge-7nm.yaml"), StringComparison.Ordinal)
            .Replace("io_bandwidth: [5, 10, 16, 20, 25, 30]", "io_bandwidth: [10, 20]", StringComparison.Ordinal));
        var path = Config("narrow", "random", 16, workloads: "[mobilenet_v2]");
        File.WriteAllText(path, File.ReadAllText(path).Replace(RepositoryPaths.Config("accelerators", "space.yaml"), space, StringComparison.Ordinal));
        Assert.Equal(0, (await CliRunner.Run("search", path, "--no-report")).ExitCode);

        var r = await CliRunner.Run("search", Config("wide", "evolution", 16), "--transfer-from", Path.Combine(_dir, "narrow.db") + ":narrow", "--no-report");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains("study 'narrow'", r.Error);
        Assert.Contains("another space", r.Error);
        Assert.False(File.Exists(Path.Combine(_dir, "wide.db")));
    }

    [Theory]
    [InlineData("transfer: results.db", "transfer", "a list of prior studies")]
    [InlineData("transfer: [{database: missing.db}]", "transfer", "database not found")]
    [InlineData("transfer: [{database: DB, colour: red}]", "colour", "database, study")]
    [InlineData("transfer: [{database: DB, study: nobody}]", "transfer[0]", "studies: donor")]
    public async Task Bad_transfer_fields_fail_before_anything_is_written(string line, string field, string allowed)
    {
        var donor = await Source("donor", trials: 8);
        var path = Config("bad-transfer", "evolution", 8, extra: line.Replace("DB", donor, StringComparison.Ordinal));
        var r = await CliRunner.Run("search", path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad-transfer.yaml", r.Error);
        Assert.Contains(field, r.Error);
        Assert.Contains(allowed, r.Error);
        Assert.False(File.Exists(Path.Combine(_dir, "bad-transfer.db")));
    }

    [Fact]
    public async Task Transfer_from_a_missing_database_or_into_ask_tell_is_refused()
    {
        var r = await CliRunner.Run("search", Config("lonely", "evolution", 8), "--transfer-from", Path.Combine(_dir, "nowhere.db"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--transfer-from", r.Error);
        Assert.Contains("database not found", r.Error);

        var donor = await Source("asked-donor", trials: 8);
        var ask = await CliRunner.Run("ask", Path.Combine(_dir, "asked.db"), "--study", "asked", "--config", Config("asked", "evolution", 8, extra: $"transfer: [{{database: {donor}}}]"));
        Assert.Equal(2, ask.ExitCode);
        Assert.Contains("ask/tell studies do not support transfer", ask.Error);
    }

    [Trait("Category", "System")] // starts and SIGKILLs a real apollo process
    [Fact]
    public async Task A_transfer_run_killed_with_sigkill_resumes_to_the_same_trials_as_an_uninterrupted_run()
    {
        // p3bo primes every member (evolution seeds, gp-ei's stacked GP), so its replay after the kill covers all of transfer.
        const int trials = 400;
        var source = await Source("kill-source", trials: 96);
        const string workloads = "[mobilenet_v2, resnet50, unet, rnnt_decoder]";
        var killed = Config("warm-killed", "p3bo", trials, workloads: workloads, batch: 8, threads: 1, extra: $"transfer: [{{database: {source}}}]");
        var db = Path.Combine(_dir, "warm-killed.db");

        await SearchAndKillAfter(80, db, "warm-killed", "search", killed, "--no-report");

        var before = CommittedTrials(db, "warm-killed");
        Assert.InRange(before, 80, trials - 1);
        var resumed = await CliRunner.Run("search", killed, "--resume", "--no-report");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains($"({before} resumed)", resumed.Out);

        var reference = Config("warm-reference", "p3bo", trials, workloads: workloads, batch: 8, threads: 2, extra: $"transfer: [{{database: {source}}}]");
        Assert.Equal(0, (await CliRunner.Run("search", reference, "--no-report")).ExitCode);
        var afterKill = Trials(db, "warm-killed");
        Assert.Equal(Enumerable.Range(0, trials), afterKill.Select(t => t.Number));
        Assert.Equal(Fingerprint(Trials(Path.Combine(_dir, "warm-reference.db"), "warm-reference")), Fingerprint(afterKill));
    }
}
