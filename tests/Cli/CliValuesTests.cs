namespace Apollo.Cli.Tests;

/// <summary>Numeric options are range-checked in one place before anything is read or written.</summary>
public sealed class CliValuesTests : TestWithTempFolder
{
    public static TheoryData<string, string> BadBudgets() => new()
    {
        { "evaluate", "NaN" }, { "evaluate", "Infinity" }, { "evaluate", "1e400" }, { "evaluate", "-1" }, { "evaluate", "0" },
        { "census", "NaN" }, { "census", "Infinity" }, { "census", "1e400" }, { "census", "-1" }, { "census", "0" },
        { "search", "NaN" }, { "search", "Infinity" }, { "search", "1e400" }, { "search", "-1" }, { "search", "0" },
        { "search", "-Infinity" }, { "search", "1e7" },
    };

    [Theory]
    [MemberData(nameof(BadBudgets))]
    public async Task A_bad_budget_exits_2_before_anything_is_written(string command, string budget)
    {
        var r = await Run(command, "--budget", budget);
        AssertRefused(r, "--budget", "finite number of mm²");
    }

    [Theory]
    [InlineData("census", "--threads", "-1")]
    [InlineData("census", "--threads", "100000")]
    [InlineData("census", "--samples", "0")]
    [InlineData("census", "--samples", "-5")]
    [InlineData("census", "--samples", "2000000000")]
    [InlineData("search", "--trials", "0")]
    [InlineData("search", "--trials", "-3")]
    [InlineData("sweep", "--jobs", "0")]
    [InlineData("sweep", "--jobs", "100000")]
    [InlineData("sweep", "--cpus-per-task", "0")]
    [InlineData("sweep", "--cpus-per-task", "100000")]
    [InlineData("sweep-cell", "--threads", "-1")]
    public async Task An_out_of_range_count_exits_2_naming_the_range(string command, string option, string value)
    {
        var r = await Run(command, option, value);
        AssertRefused(r, option, "must be between");
    }

    [Fact]
    public async Task A_valid_budget_and_thread_count_still_run()
    {
        var r = await CliRunner.Run("census", "--samples", "20", "--budget", "6.8", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Error);
    }

    private void AssertRefused(CliRunner.Result r, string option, string text)
    {
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Error.Trim().Split('\n'));
        Assert.StartsWith($"error: <command line>: field '{option}': ", line, StringComparison.Ordinal);
        Assert.Contains(text, line);
        Assert.Equal(["base.yaml", "search.yaml", "sweep.yaml"], Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private Task<CliRunner.Result> Run(string command, params string[] extra)
    {
        var search = SearchConfig("values", 16);
        var sweep = SweepCommandTests.WriteSweep(Dir, "sweep", "  optimizers: [random]\n  budgets: [6.8]\n  seeds: [1]\n", trials: 8);
        string[] args = command switch
        {
            "evaluate" => ["evaluate", "--accelerator", "configs/accelerators/baseline.yaml", "--workloads", "mobilenet_v2"],
            "census" when extra[0] == "--samples" => ["census"],
            "census" => ["census", "--samples", "10"],
            "search" => ["search", search],
            "sweep" when extra[0] == "--cpus-per-task" => ["sweep", sweep, "--backend", "slurm", "--dry-run"],
            "sweep" => ["sweep", sweep],
            "sweep-cell" => ["sweep-cell", sweep, "--index", "0"],
            _ => throw new ArgumentException(command),
        };
        return CliRunner.Run([.. args, .. extra]);
    }
}
