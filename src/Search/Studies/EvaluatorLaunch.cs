using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Apollo.Search.Studies;

/// <summary>
/// One run of the evaluator command in one point's folder. <see cref="Env"/> are the variables the command sees
/// besides the caller's environment (see docs/evaluators.md).
/// </summary>
public sealed record EvaluatorJob(string Folder, IReadOnlyDictionary<string, string> Env);

/// <summary>
/// What one run did: the exit code (null when it did not exit by itself: timed out, or could not start), whether
/// it timed out, the last lines of its stderr, and its wall-clock time.
/// </summary>
public sealed record EvaluatorRun(int? ExitCode, bool TimedOut, string StderrTail, double ElapsedMilliseconds, string? StartError = null);

/// <summary>
/// Where the evaluator's commands run: local processes (<see cref="LocalEvaluatorLauncher"/>) or one Slurm job per
/// batch (the CLI's Slurm launcher).
/// <para><b>Protocol.</b> <see cref="Run"/> is called once per batch (and once for the baseline) from the study's
/// thread, with the folders already written. It runs <c>bash -c &lt;command&gt;</c> in every folder, with a per-job
/// timeout after which the job's process tree is killed, and returns one <see cref="EvaluatorRun"/> per job, in job
/// order. It leaves <c>result.json</c>, <c>stdout.txt</c> and <c>stderr.txt</c> in each folder. A command that
/// fails is a result, not an exception; an exception (the backend itself is broken, e.g. sbatch refuses the job)
/// aborts the study before anything of the batch is stored.</para>
/// </summary>
public interface IEvaluatorLauncher
{
    IReadOnlyList<EvaluatorRun> Run(IReadOnlyList<EvaluatorJob> jobs, CancellationToken cancellation);
}

/// <summary>Runs the command as local processes, at most <c>jobs</c> at a time.</summary>
public sealed class LocalEvaluatorLauncher(string command, TimeSpan timeout, int jobs) : IEvaluatorLauncher
{
    /// <summary>Lines of stderr kept in a failed trial's reason.</summary>
    public const int TailLines = 20;

    public IReadOnlyList<EvaluatorRun> Run(IReadOnlyList<EvaluatorJob> batch, CancellationToken cancellation)
    {
        var runs = new EvaluatorRun[batch.Count];
        Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i => runs[i] = RunOne(batch[i]));
        return runs;
    }

    private EvaluatorRun RunOne(EvaluatorJob job)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = job.Folder,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        foreach (var (name, value) in job.Env)
        {
            info.Environment[name] = value;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var process = Process.Start(info)!;
            process.StandardInput.Close(); // the protocol has no stdin; a command that reads it sees end of file
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var exited = process.WaitForExit(timeout);
            if (!exited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // A killed tree closes its pipes; a grandchild that escaped the tree may not, so do not wait forever.
            var output = Completed(stdout);
            var error = Completed(stderr);
            File.WriteAllText(Path.Combine(job.Folder, "stdout.txt"), output);
            File.WriteAllText(Path.Combine(job.Folder, "stderr.txt"), error);
            return new EvaluatorRun(exited ? process.ExitCode : null, !exited, Tail(error), elapsed);
        }
        catch (Win32Exception e)
        {
            return new EvaluatorRun(null, false, "", Stopwatch.GetElapsedTime(started).TotalMilliseconds, $"cannot start bash: {e.Message}");
        }
    }

    private static string Completed(Task<string> read) => read.Wait(TimeSpan.FromSeconds(5)) ? read.Result : "";

    /// <summary>The last <see cref="TailLines"/> non-empty lines of <paramref name="text"/>, each cut to 300 characters.</summary>
    public static string Tail(string text) =>
        string.Join('\n', text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).TakeLast(TailLines)
            .Select(l => l.Length > 300 ? string.Create(CultureInfo.InvariantCulture, $"{l[..300]}... ({l.Length} characters)") : l));
}
