using System.Diagnostics;

namespace Apollo.Cli.Tests;

public sealed class CompletionCommandTests : TestWithTempFolder
{
    /// <summary>Sources the generated script in bash and completes each line the way bash would call the function.</summary>
    private async Task<string[]> Complete(params string[] lines)
    {
        var script = await CliRunner.Run("completion", "bash");
        Assert.True(script.ExitCode == 0, script.Error);
        var file = Path.Combine(Dir, "apollo.bash");
        File.WriteAllText(file, script.Out);
        var driver = Path.Combine(Dir, "driver.sh");
        File.WriteAllText(driver, $"source '{file}'\n"
            + "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($#-1)); COMPREPLY=(); _apollo; echo \"${COMPREPLY[*]}\"; }\n"
            + string.Concat(lines.Select(l => $"t {l}\n")));
        using var bash = Process.Start(new ProcessStartInfo("bash", [driver]) { RedirectStandardOutput = true, WorkingDirectory = Dir })!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.Equal(0, bash.ExitCode);
        return output.TrimEnd('\n').Split('\n');
    }

    [Fact]
    public async Task The_bash_script_completes_commands_options_and_their_values()
    {
        var answers = await Complete(
            "apollo se",
            "apollo search --tri",
            "apollo search x.yaml --optimizer gp",
            "apollo sweep status f.yaml --format c",
            "apollo best db --format y",
            "apollo par",
            "apollo pareto db --format j",
            "apollo search --power",
            "apollo completion z");
        Assert.Equal(["search", "--trials", "gp-ei", "csv", "yaml", "pareto", "json", "--power-budget", "zsh"], answers);
    }

    [Fact]
    public async Task The_zsh_script_runs_the_bash_function_through_bashcompinit()
    {
        var r = await CliRunner.Run("completion", "zsh");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("#compdef apollo\nautoload -U +X bashcompinit && bashcompinit\n", r.Out, StringComparison.Ordinal);
        Assert.Contains("complete -o filenames -o bashdefault -F _apollo apollo", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hidden_commands_are_not_offered()
    {
        var r = await CliRunner.Run("completion", "bash");
        Assert.DoesNotContain("sweep-cell", r.Out, StringComparison.Ordinal);
    }
}
