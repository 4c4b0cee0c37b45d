using System.Globalization;
using System.Text;
using Apollo.Search.Sweeps;

namespace Apollo.Cli.Commands;

/// <summary>Options of a Slurm submission: partition and time limit when given, CPUs per array task.</summary>
public sealed record SlurmOptions(string? Partition, string? Time, int CpusPerTask);

/// <summary>
/// The sbatch job-array script of a sweep: task <c>i</c> runs cell <c>i</c> with <c>apollo sweep-cell</c>, from the
/// sweep's working directory, into the cell's own shard. Files live under <c>&lt;results&gt;/slurm/</c>: the
/// script (<c>sweep.sbatch</c>), one log per task (<c>logs/</c>) and the submitted job id (<c>job-id</c>).
/// </summary>
public sealed class SlurmJobArray(SweepConfig sweep, string workingDirectory)
{
    /// <summary>Environment variable naming the command the script calls instead of the running apollo.</summary>
    public const string CommandVariable = "APOLLO_COMMAND";

    public string Folder => Path.Combine(sweep.ResultsFolder, "slurm");

    public string ScriptPath => Path.Combine(Folder, "sweep.sbatch");

    public string LogFolder => Path.Combine(Folder, "logs");

    public string JobIdPath => Path.Combine(Folder, "job-id");

    /// <summary>
    /// How to start this very build of apollo from a batch job: <c>dotnet /abs/apollo.dll</c> when the assembly
    /// sits next to the running code (also true inside a test host, whose bin folder holds apollo.dll), else
    /// the running executable. Always absolute, because array tasks do not share the caller's PATH lookups.
    /// </summary>
    public static string DefaultApolloCommand()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "apollo.dll");
        var process = Environment.ProcessPath ?? "dotnet";
        if (File.Exists(dll))
        {
            var dotnet = Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
            return $"{Quote(dotnet)} {Quote(dll)}";
        }

        return Quote(process);
    }

    /// <summary>The script text. <paramref name="apolloCommand"/> is inserted as shell words as given.</summary>
    public string Script(SlurmOptions options, string apolloCommand)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("#!/bin/bash");
        text.AppendLine(inv, $"# Apollo sweep '{sweep.Name}': {sweep.Cells.Count} cells, one array task per cell.");
        text.AppendLine(inv, $"# Written by `apollo sweep {sweep.File} --backend slurm`; task i runs cell i (see `apollo sweep status`).");
        text.AppendLine(inv, $"#SBATCH --job-name=apollo-{sweep.Name}");
        text.AppendLine(inv, $"#SBATCH --array=0-{sweep.Cells.Count - 1}");
        text.AppendLine(inv, $"#SBATCH --output={Path.Combine(LogFolder, "%A_%a.log")}");
        text.AppendLine(inv, $"#SBATCH --cpus-per-task={options.CpusPerTask}");
        text.AppendLine(inv, $"#SBATCH --ntasks=1");
        text.AppendLine(inv, $"#SBATCH --chdir={workingDirectory}");
        if (options.Partition is { } partition)
        {
            text.AppendLine(inv, $"#SBATCH --partition={partition}");
        }

        if (options.Time is { } time)
        {
            text.AppendLine(inv, $"#SBATCH --time={time}");
        }

        text.AppendLine("set -euo pipefail");
        text.AppendLine(inv, $"cd {Quote(workingDirectory)}");
        // exec: Slurm's SIGTERM (time limit, scancel) reaches apollo, which stores its in-flight batch.
        text.AppendLine(inv, $"exec {apolloCommand} sweep-cell {Quote(sweep.File)} --index \"$SLURM_ARRAY_TASK_ID\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"");
        return text.ToString();
    }

    /// <summary>Single-quotes a word for bash.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '+' or ':' or '=' or ',')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
