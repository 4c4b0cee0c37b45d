using System.Diagnostics;
using System.Text;
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

    /// <summary>
    /// Starts apollo with <paramref name="args"/> from the repository root, with stdin, stdout and stderr as pipes
    /// (UTF-8 without a byte-order mark), for a test that talks to it line by line. The caller disposes it.
    /// </summary>
    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "apollo.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment.Remove("APOLLO_DEBUG");
        return Process.Start(info)!;
    }
}
