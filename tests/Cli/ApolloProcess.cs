using System.Diagnostics;
using Apollo.Testing;

namespace Apollo.Cli.Tests;

/// <summary>Runs this build's apollo.dll as a real process through bash, for what only a real process shows (closed pipes).</summary>
public static class ApolloProcess
{
    public sealed record Result(int ExitCode, string Out, string Error);

    /// <summary>Runs a bash <paramref name="script"/> (in which the function <c>apollo</c> starts apollo) from the repository root.</summary>
    public static async Task<Result> Bash(string script, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash", ["-c", "apollo() { dotnet \"$APOLLO_DLL\" \"$@\"; }\n" + script])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["APOLLO_DLL"] = Path.Combine(AppContext.BaseDirectory, "apollo.dll");
        info.Environment.Remove("APOLLO_DEBUG");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return new Result(process.ExitCode, await output, await error);
    }
}
