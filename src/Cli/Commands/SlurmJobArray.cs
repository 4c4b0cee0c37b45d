using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Apollo.Configuration;
using Apollo.Search.Sweeps;

namespace Apollo.Cli.Commands;

/// <summary>
/// Options of a Slurm submission: partition and time limit when given, CPUs per array task. They are written into
/// the script as <c>#SBATCH</c> lines, so <see cref="Create"/> accepts only Slurm's own syntax for them.
/// </summary>
public sealed partial record SlurmOptions(string? Partition, string? Time, int CpusPerTask)
{
    public const string TimeForms = "minutes, minutes:seconds, hours:minutes:seconds, days-hours, days-hours:minutes, days-hours:minutes:seconds, UNLIMITED or INFINITE (e.g. 90, 2:00:00, 1-12)";

    /// <summary>Validated options; anything else is a <see cref="ConfigException"/> naming the allowed forms.</summary>
    public static SlurmOptions Create(string? partition, string? time, int cpusPerTask)
    {
        if (partition is not null && !PartitionSyntax().IsMatch(partition))
        {
            throw CliValues.Bad("--partition", $"'{CliValues.Echo(partition)}' is not a partition name; allowed: letters, digits, '_', '.', '-', or a comma-separated list of such names");
        }

        if (time is not null && !TimeSyntax().IsMatch(time))
        {
            throw CliValues.Bad("--time", $"'{CliValues.Echo(time)}' is not a Slurm time limit; allowed forms: {TimeForms}");
        }

        return new SlurmOptions(partition, time, CliValues.InRange(cpusPerTask, "--cpus-per-task", 1, CliValues.MaxCpusPerTask));
    }

    /// <summary>The <c>#SBATCH</c> lines of one task: log file, CPUs, one task, working directory, partition and time limit when given.</summary>
    public void AppendSbatchLines(StringBuilder text, string output, string chdir)
    {
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"#SBATCH --output={output}");
        text.AppendLine(inv, $"#SBATCH --cpus-per-task={CpusPerTask}");
        text.AppendLine("#SBATCH --ntasks=1");
        text.AppendLine(inv, $"#SBATCH --chdir={chdir}");
        if (Partition is { } partition)
        {
            text.AppendLine(inv, $"#SBATCH --partition={partition}");
        }

        if (Time is { } time)
        {
            text.AppendLine(inv, $"#SBATCH --time={time}");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$")]
    private static partial Regex PartitionSyntax();

    // [0-9], not \d: \d also matches non-ASCII digits, which Slurm does not read.
    [GeneratedRegex("^([0-9]{1,9}(:[0-9]{1,9}){0,2}|[0-9]{1,9}-[0-9]{1,9}(:[0-9]{1,9}){0,2}|(?i:unlimited|infinite))$")]
    private static partial Regex TimeSyntax();
}

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

    /// <summary>
    /// The script text. <paramref name="apolloCommand"/> is inserted as shell words as given, but must be one line;
    /// paths in <c>#SBATCH</c> lines must not hold line breaks or quotes (sbatch reads them, not the shell).
    /// </summary>
    /// <exception cref="ConfigException">A value that would break out of its line of the script.</exception>
    public string Script(SlurmOptions options, string apolloCommand)
    {
        OneLine(apolloCommand, CliValues.Source, "--apollo-command", $"the command (--apollo-command or {CommandVariable})");
        SbatchPath(LogFolder, sweep.File, "results", "the results folder");
        SbatchPath(workingDirectory, CliValues.Source, "<working directory>", "the working directory");
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("#!/bin/bash");
        text.AppendLine(inv, $"# Apollo sweep '{sweep.Name}': {sweep.Cells.Count} cells, one array task per cell.");
        text.AppendLine(inv, $"# Written by `apollo sweep {sweep.File.ReplaceLineEndings(" ")} --backend slurm`; task i runs cell i (see `apollo sweep status`).");
        text.AppendLine(inv, $"#SBATCH --job-name=apollo-{sweep.Name}");
        text.AppendLine(inv, $"#SBATCH --array=0-{sweep.Cells.Count - 1}");
        options.AppendSbatchLines(text, Path.Combine(LogFolder, "%A_%a.log"), workingDirectory);

        text.AppendLine("set -euo pipefail");
        text.AppendLine(inv, $"cd {Quote(workingDirectory)}");
        // exec: Slurm's SIGTERM (time limit, scancel) reaches apollo, which stores its in-flight batch.
        text.AppendLine(inv, $"exec {apolloCommand} sweep-cell {Quote(sweep.File)} --index \"$SLURM_ARRAY_TASK_ID\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"");
        return text.ToString();
    }

    private static void OneLine(string value, string file, string field, string what)
    {
        if (value.Any(char.IsControl))
        {
            throw new ConfigException(file, null, field, $"{what} must be one line without control characters; got '{CliValues.Echo(value)}'");
        }
    }

    private static void SbatchPath(string path, string file, string field, string what)
    {
        OneLine(path, file, field, what);
        if (path.Any(c => c is '"' or '\'' or ' '))
        {
            throw new ConfigException(file, null, field, $"{what} '{CliValues.Echo(path)}' holds a quote or a space, which an #SBATCH line cannot carry");
        }
    }

    /// <summary>Single-quotes a word for bash.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '+' or ':' or '=' or ',')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
