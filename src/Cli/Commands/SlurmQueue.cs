using System.Globalization;

namespace Apollo.Cli.Commands;

/// <summary>
/// The Slurm state of each task of a job array, from <c>squeue</c> (pending and running tasks) and, when
/// accounting is enabled, <c>sacct</c> (finished tasks). Empty when neither tool is available.
/// </summary>
public static class SlurmQueue
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Array task index → state (e.g. <c>PENDING</c>, <c>RUNNING</c>, <c>COMPLETED</c>).</summary>
    public static IReadOnlyDictionary<int, string> TaskStates(string jobId)
    {
        var states = new Dictionary<int, string>();
        // sacct first, so that squeue's live view wins for tasks both know.
        var sacct = ExternalResult.Run("sacct", ["-n", "-X", "-P", "-j", jobId, "-o", "JobID,State"], Timeout);
        if (sacct.Succeeded)
        {
            foreach (var line in Lines(sacct.Out))
            {
                var parts = line.Split('|');
                if (parts.Length >= 2 && TaskIndex(parts[0], jobId) is { } task)
                {
                    states[task] = parts[1].Split(' ')[0];
                }
            }
        }

        var squeue = ExternalResult.Run("squeue", ["-h", "-r", "-j", jobId, "-o", "%K %T"], Timeout);
        if (squeue.Succeeded)
        {
            foreach (var line in Lines(squeue.Out))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var task))
                {
                    states[task] = parts[1];
                }
            }
        }

        return states;
    }

    /// <summary>Whether any task of the job is still pending or running according to <c>squeue</c>; null when squeue fails.</summary>
    public static bool? Active(string jobId)
    {
        var squeue = ExternalResult.Run("squeue", ["-h", "-r", "-j", jobId, "-o", "%K %T"], Timeout);
        return squeue.Succeeded ? Lines(squeue.Out).Any() : null;
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int? TaskIndex(string jobField, string jobId) =>
        jobField.StartsWith(jobId + "_", StringComparison.Ordinal)
        && int.TryParse(jobField[(jobId.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var task) ? task : null;
}
