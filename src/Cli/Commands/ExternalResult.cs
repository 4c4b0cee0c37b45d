using System.ComponentModel;
using System.Diagnostics;

namespace Apollo.Cli.Commands;

/// <summary>What an external program (sbatch, squeue, sacct) did: exit code and captured output; null code when it could not start.</summary>
public sealed record ExternalResult(int? ExitCode, string Out, string Error)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Runs <paramref name="program"/> from PATH and waits up to <paramref name="timeout"/>.</summary>
    public static ExternalResult Run(string program, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return new ExternalResult(null, "", $"{program} did not finish within {timeout.TotalSeconds:F0} s");
            }

            return new ExternalResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        catch (Win32Exception e)
        {
            return new ExternalResult(null, "", $"cannot run {program}: {e.Message}");
        }
    }
}
