using Apollo.Cli.Commands;

namespace Apollo.Cli.Tests;

/// <summary>Values that go into an sbatch script are Slurm syntax or refused; a dry run runs nothing.</summary>
public sealed class SweepInputTests : TestWithTempFolder
{
    private const string Matrix = "  optimizers: [random, evolution]\n  budgets: [6.8]\n  seeds: [1, 2]\n";

    [Theory]
    [InlineData("--time", "x\necho INJECTED")]
    [InlineData("--time", "1:00:00\necho INJECTED")]
    [InlineData("--time", "1:00:00; echo INJECTED")]
    [InlineData("--time", "$(echo INJECTED)")]
    [InlineData("--time", "1:2:3:4")]
    [InlineData("--time", "1-")]
    [InlineData("--time", "")]
    [InlineData("--time", "١٢")] // Arabic-Indic digits: \d would take them, Slurm does not
    [InlineData("--partition", "debug\necho INJECTED")]
    [InlineData("--partition", "debug #x")]
    [InlineData("--partition", "a,,b")]
    [InlineData("--partition", "")]
    [InlineData("--apollo-command", "dotnet apollo.dll\necho INJECTED")]
    public async Task A_value_that_is_not_slurm_syntax_exits_2_and_writes_no_script(string option, string value)
    {
        var sweep = SweepCommandTests.WriteSweep(Dir, "inj", Matrix, trials: 8);
        var r = await CliRunner.Run("sweep", sweep, "--backend", "slurm", "--dry-run", option, value);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains($"field '{option}'", line);
        Assert.Contains(option == "--time" ? "days-hours:minutes:seconds" : option == "--partition" ? "comma-separated" : "one line", line);
        Assert.DoesNotContain("INJECTED", r.Out);
        Assert.False(Directory.Exists(Path.Combine(Dir, "results", "slurm")));
    }

    [Theory]
    [InlineData("--time", "90")]
    [InlineData("--time", "90:30")]
    [InlineData("--time", "2:00:00")]
    [InlineData("--time", "1-12")]
    [InlineData("--time", "1-12:30")]
    [InlineData("--time", "1-12:30:15")]
    [InlineData("--time", "UNLIMITED")]
    [InlineData("--time", "infinite")]
    [InlineData("--partition", "gpu")]
    [InlineData("--partition", "gpu,debug")]
    [InlineData("--partition", "long_q.v2-a")]
    public async Task Every_slurm_form_is_written_as_given(string option, string value)
    {
        var sweep = SweepCommandTests.WriteSweep(Dir, "ok", Matrix, trials: 8);
        var r = await CliRunner.Run("sweep", sweep, "--backend", "slurm", "--dry-run", option, value);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains($"#SBATCH {option}={value}\n", File.ReadAllText(Path.Combine(Dir, "results", "slurm", "sweep.sbatch")));
    }

    [Fact]
    public void Slurm_options_validate_without_a_sweep()
    {
        Assert.Equal("1-0", SlurmOptions.Create("a", "1-0", 2).Time);
        var e = Assert.Throws<Apollo.Configuration.ConfigException>(() => SlurmOptions.Create(null, "soon", 1));
        Assert.Contains(SlurmOptions.TimeForms, e.Message);
    }

    [Fact]
    public async Task A_local_dry_run_prints_the_plan_and_creates_no_shard()
    {
        var sweep = SweepCommandTests.WriteSweep(Dir, "plan", Matrix, trials: 8);
        var r = await CliRunner.Run("sweep", sweep, "--dry-run", "--jobs", "2");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.StartsWith("sweep 'plan': 4 cells (0 already finished), 2 at a time", r.Out, StringComparison.Ordinal);
        string[] cells = ["plan-random-b6.8-s1", "plan-random-b6.8-s2", "plan-evolution-b6.8-s1", "plan-evolution-b6.8-s2"];
        for (var i = 0; i < cells.Length; i++)
        {
            Assert.Contains($"cell {i} {cells[i]}: ", r.Out);
            Assert.Contains($"shard {Path.Combine(Dir, "results", "shards", cells[i] + ".db")}", r.Out);
            Assert.Contains($"  apollo sweep-cell {sweep} --index {i} --threads ", r.Out);
        }

        Assert.Contains("0/8 trials stored (new)", r.Out);
        Assert.EndsWith("# --dry-run: nothing was run\n", r.Out, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Dir, "results", "shards")) && Directory.EnumerateFileSystemEntries(Path.Combine(Dir, "results", "shards")).Any());
    }
}
