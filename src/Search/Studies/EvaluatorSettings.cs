using System.Globalization;
using Apollo.Configuration;

namespace Apollo.Search.Studies;

/// <summary>Where an external evaluator's commands run: on this machine, or as one Slurm job per batch.</summary>
public enum EvaluatorBackend
{
    Local,
    Slurm,
}

/// <summary>Slurm options of the <c>slurm</c> backend; written into each batch's job script as <c>#SBATCH</c> lines.</summary>
public sealed record EvaluatorSlurmSettings(string? Partition, string? Time, int CpusPerTask);

/// <summary>
/// The <c>evaluator</c> field of a search config (docs/evaluators.md): a shell command that scores one design point
/// in its own folder instead of the built-in model.
/// </summary>
/// <param name="Command">Run with <c>bash -c</c> in the trial's folder.</param>
/// <param name="Timeout">Wall-clock limit per point; the process tree is killed when it passes.</param>
/// <param name="Workdir">Folder of the studies' evaluation folders (<c>&lt;Workdir&gt;/&lt;study&gt;/trial-N/</c>); null: <c>&lt;database&gt;.evaluations</c>.</param>
/// <param name="Jobs">Points evaluated at once (locally, or inside one Slurm job).</param>
/// <param name="Backend">Local processes or one Slurm job per batch.</param>
/// <param name="Slurm">Options of the Slurm jobs.</param>
public sealed record EvaluatorSettings(string Command, TimeSpan Timeout, string? Workdir, int Jobs, EvaluatorBackend Backend, EvaluatorSlurmSettings Slurm)
{
    public static readonly string[] Fields = ["command", "timeout_s", "workdir", "jobs", "backend", "slurm"];

    /// <summary>Default per-point limit: one hour.</summary>
    public const double DefaultTimeoutSeconds = 3600;

    /// <summary>Longest per-point limit: one week.</summary>
    public const double MaxTimeoutSeconds = 604_800;

    /// <summary>Most points evaluated at once.</summary>
    public const int MaxJobs = 1024;

    /// <summary>The folder of one study's evaluations: <c>&lt;workdir&gt;/&lt;study&gt;</c>.</summary>
    public string StudyFolder(string database, string study) => Path.Combine(Workdir ?? database + ".evaluations", study);

    /// <summary>
    /// Reads the field. <c>workdir</c> is resolved against the working directory, like <c>database</c> (it holds
    /// results); its default is <c>&lt;database&gt;.evaluations</c>.
    /// </summary>
    public static EvaluatorSettings Parse(YamlNode node, string workingDirectory)
    {
        if (!node.IsMapping)
        {
            throw node.Error("must be a mapping: {command: \"...\", timeout_s: ..., workdir: ..., jobs: ...}");
        }

        node.RejectUnknownKeys(Fields);
        var command = node.GetString("command");
        if (command.Trim().Length == 0 || command.Any(c => char.IsControl(c) && c != '\t'))
        {
            throw node.Get("command").Error("the command must be non-empty text on one line");
        }

        var timeout = node.TryGet("timeout_s") is { } t
            ? t.AsDouble() is var s && s > 0 && s <= MaxTimeoutSeconds ? s : throw t.Error(string.Create(CultureInfo.InvariantCulture, $"must be a positive number of seconds up to {MaxTimeoutSeconds} (one week), got {t.AsString()}"))
            : DefaultTimeoutSeconds;
        var workdir = node.TryGet("workdir") is { } w ? Path.GetFullPath(Path.Combine(workingDirectory, w.AsString())) : null;
        if (File.Exists(workdir))
        {
            throw node.Get("workdir").Error($"{workdir} is a file; 'workdir' names a folder (created if missing)");
        }

        var jobs = node.TryGet("jobs")?.AsInt(1, MaxJobs) ?? Environment.ProcessorCount;
        var backend = (node.TryGet("backend")?.AsChoice("local", "slurm") ?? "local") == "slurm" ? EvaluatorBackend.Slurm : EvaluatorBackend.Local;
        var slurm = new EvaluatorSlurmSettings(null, null, 1);
        if (node.TryGet("slurm") is { } sn)
        {
            sn.RejectUnknownKeys("partition", "time", "cpus_per_task");
            slurm = new EvaluatorSlurmSettings(sn.TryGet("partition")?.AsString(), sn.TryGet("time")?.AsString(), sn.TryGet("cpus_per_task")?.AsInt(1, MaxJobs) ?? 1);
        }

        return new EvaluatorSettings(command, TimeSpan.FromSeconds(timeout), workdir, jobs, backend, slurm);
    }
}
