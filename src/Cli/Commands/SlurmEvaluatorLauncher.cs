using System.Globalization;
using System.Text;
using Apollo.Configuration;
using Apollo.Search.Studies;

namespace Apollo.Cli.Commands;

/// <summary>
/// The <c>slurm</c> backend of external evaluators: one sbatch job per batch (and one for the baseline). The job's
/// script runs the command in every point's folder, at most <c>jobs</c> at a time, each under coreutils
/// <c>timeout</c> (which kills the command's whole process group), and leaves <c>exit-code</c> and
/// <c>elapsed-ms</c> next to <c>result.json</c>. Apollo submits with <c>sbatch --parsable</c>, waits until
/// <see cref="SlurmQueue.Active"/> no longer lists the job, and reads the folders. Script and log of each job live
/// in <c>&lt;study folder&gt;/slurm/</c>. The folders must be on a file system the compute nodes share.
/// </summary>
public sealed class SlurmEvaluatorLauncher(EvaluatorSettings settings, SlurmOptions options, string studyFolder, TimeProvider clock) : IEvaluatorLauncher
{
    private static readonly TimeSpan SubmitTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Seconds <c>timeout</c> waits after TERM before it sends KILL.</summary>
    public const int KillAfterSeconds = 5;

    /// <summary>Exit codes of <c>timeout</c> when it stopped the command (TERM honoured, or KILL after <see cref="KillAfterSeconds"/>).</summary>
    private static readonly int[] TimedOutCodes = [124, 137];

    public string Folder => Path.Combine(studyFolder, "slurm");

    /// <summary>Validated Slurm options of the settings; a bad partition or time limit is a config error.</summary>
    public static SlurmOptions Options(EvaluatorSettings settings) =>
        SlurmOptions.Create(settings.Slurm.Partition, settings.Slurm.Time, settings.Slurm.CpusPerTask);

    public IReadOnlyList<EvaluatorRun> Run(IReadOnlyList<EvaluatorJob> jobs, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Folder);
        var name = Path.GetFileName(jobs[0].Folder);
        var script = Path.Combine(Folder, name + ".sbatch");
        var log = Path.Combine(Folder, name + ".log");
        File.WriteAllText(script, Script(jobs, log));
        var submit = ExternalResult.Run("sbatch", ["--parsable", script], SubmitTimeout, Folder);
        if (!submit.Succeeded)
        {
            throw new InvalidOperationException($"sbatch refused the evaluation job {script}: {(submit.Error + submit.Out).Trim()}");
        }

        var jobId = submit.Out.Trim().Split(';')[0];
        var started = clock.GetTimestamp();
        // Poll until the job has left the queue; squeue failing (null) for a minute means the controller is gone.
        var unknownSince = (long?)null;
        while (SlurmQueue.Active(jobId) is var active && active != false)
        {
            if (active is null)
            {
                unknownSince ??= clock.GetTimestamp();
                if (clock.GetElapsedTime(unknownSince.Value) > TimeSpan.FromMinutes(1))
                {
                    throw new InvalidOperationException($"squeue cannot tell whether evaluation job {jobId} still runs; the trials of this batch are not stored");
                }
            }
            else
            {
                unknownSince = null;
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(500));
        }

        var elapsed = clock.GetElapsedTime(started).TotalMilliseconds;
        return jobs.Select(j => Read(j, jobId, log, elapsed)).ToList();
    }

    private static EvaluatorRun Read(EvaluatorJob job, string jobId, string log, double jobElapsed)
    {
        var stderr = Path.Combine(job.Folder, "stderr.txt");
        var tail = File.Exists(stderr) ? LocalEvaluatorLauncher.Tail(File.ReadAllText(stderr)) : "";
        var codeFile = Path.Combine(job.Folder, "exit-code");
        if (!File.Exists(codeFile) || !int.TryParse(File.ReadAllText(codeFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return new EvaluatorRun(null, false, tail, jobElapsed, $"Slurm job {jobId} ended before this point was evaluated (time limit, cancellation or node failure?); see {log}");
        }

        var elapsed = File.Exists(Path.Combine(job.Folder, "elapsed-ms"))
            && double.TryParse(File.ReadAllText(Path.Combine(job.Folder, "elapsed-ms")).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) ? ms : jobElapsed;
        var timedOut = TimedOutCodes.Contains(code);
        return new EvaluatorRun(timedOut ? null : code, timedOut, tail, elapsed);
    }

    /// <summary>The job script: every point in a background subshell, at most <c>jobs</c> at a time.</summary>
    public string Script(IReadOnlyList<EvaluatorJob> jobs, string log)
    {
        foreach (var path in new[] { log, studyFolder })
        {
            if (path.Any(c => char.IsControl(c) || c is '"' or '\'' or ' '))
            {
                throw new ConfigException(CliValues.Source, null, "evaluator.workdir", $"'{CliValues.Echo(path)}' holds a quote, a space or a control character, which an #SBATCH line cannot carry");
            }
        }

        var inv = CultureInfo.InvariantCulture;
        var q = SlurmJobArray.Quote;
        var text = new StringBuilder();
        text.AppendLine("#!/bin/bash");
        text.AppendLine(inv, $"# Apollo external evaluation of {jobs.Count} design points (docs/evaluators.md); written by apollo search.");
        text.AppendLine(inv, $"#SBATCH --job-name=apollo-eval-{Path.GetFileName(studyFolder)}");
        options.AppendSbatchLines(text, log, studyFolder);

        text.AppendLine("set -u");
        text.AppendLine(inv, $"command={q(settings.Command)}");
        text.AppendLine("evaluate() {  # folder: runs the command there and records its exit code and time");
        text.AppendLine("  cd \"$1\" || return");
        text.AppendLine("  local start=$(date +%s%N)");
        text.AppendLine(inv, $"  timeout --kill-after={KillAfterSeconds}s {settings.Timeout.TotalSeconds.ToString("R", inv)}s bash -c \"$command\" </dev/null >stdout.txt 2>stderr.txt");
        text.AppendLine("  local code=$?");
        text.AppendLine("  echo $(( ($(date +%s%N) - start) / 1000000 )) > elapsed-ms");
        text.AppendLine("  echo \"$code\" > exit-code.part && mv exit-code.part exit-code");
        text.AppendLine("}");
        foreach (var job in jobs)
        {
            var env = string.Join(' ', job.Env.Select(kv => $"{kv.Key}={q(kv.Value)}"));
            text.AppendLine(inv, $"( export {env}; evaluate {q(job.Folder)} ) &");
            text.AppendLine(inv, $"while [ \"$(jobs -rp | wc -l)\" -ge {settings.Jobs} ]; do wait -n; done");
        }

        text.AppendLine("wait");
        return text.ToString();
    }
}
