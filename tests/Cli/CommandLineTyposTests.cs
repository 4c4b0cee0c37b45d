namespace Apollo.Cli.Tests;

public sealed class CommandLineTyposTests
{
    [Fact]
    public async Task A_misspelt_command_gets_one_line_with_the_nearest_command()
    {
        var r = await CliRunner.Run("serch");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: unknown command 'serch'; did you mean 'search'? (apollo --help lists the commands)", r.Error.Trim());
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData("sweep", "statu", "error: unknown command 'statu' for 'apollo sweep'; did you mean 'status'? (apollo sweep --help lists the commands)")]
    [InlineData("workloads", "lst", "error: unknown command 'lst' for 'apollo workloads'; did you mean 'list'? (apollo workloads --help lists the commands)")]
    public async Task A_misspelt_subcommand_gets_one_line_with_the_nearest_subcommand_and_is_never_read_as_a_file(string command, string typed, string expected)
    {
        // `sweep statu s.yaml` would otherwise read 'statu' as the sweep config.
        var r = await CliRunner.Run(command, typed, "s.yaml");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(expected, r.Error.Trim());
    }

    [Fact]
    public async Task A_misspelt_option_is_never_read_as_the_config_file()
    {
        // --trails would otherwise be bound to the optional <config> argument and read as a file.
        var r = await CliRunner.Run("search", "--trails", "5");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: unknown option '--trails' for 'apollo search'; did you mean '--trials'? (apollo search --help lists its options)", r.Error.Trim());
    }

    [Theory]
    [InlineData("trials", "db.sqlite", "--formt", "json", "--format")]
    [InlineData("sweep", "s.yaml", "--dryrun", null, "--dry-run")]
    [InlineData("studies", "db.sqlite", "--formt", "json", "--format")]
    [InlineData("pareto", "db.sqlite", "--formt", "csv", "--format")]
    [InlineData("sweep", "status", "s.yaml", "--fromat", "--format")]
    [InlineData("evaluate", "--accelerater=x.yaml", null, null, "--accelerator")]
    public async Task Misspelt_options_of_any_command_are_caught(string a, string b, string? c, string? d, string expected)
    {
        var args = new[] { a, b, c, d }.OfType<string>().ToArray();
        var r = await CliRunner.Run(args);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"did you mean '{expected}'?", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_option_far_from_every_name_gets_no_guess()
    {
        var r = await CliRunner.Run("space", "--zzzzzzzz");
        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain("did you mean", r.Error, StringComparison.Ordinal);
        Assert.Contains("unknown option '--zzzzzzzz'", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Negative_numbers_help_and_values_after_a_double_dash_are_not_options()
    {
        Assert.Equal(0, (await CliRunner.Run("search", "--help")).ExitCode);
        Assert.Equal(0, (await CliRunner.Run("--help")).ExitCode);
        // A negative seed is a value, not an option: the census runs (and is tiny).
        var r = await CliRunner.Run("census", "--samples", "2", "--seed", "-3", "--workload-set", "vision");
        Assert.True(r.ExitCode == 0, r.Error);
    }

    [Theory]
    [InlineData("--trails", "--trials", 1)]
    [InlineData("serch", "search", 1)]
    [InlineData("abc", "abc", 0)]
    [InlineData("ab", "ba", 1)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_counts_edits_and_neighbour_swaps(string a, string b, int expected) =>
        Assert.Equal(expected, Apollo.Cli.Commands.CommandLineTypos.Distance(a, b));
}
