using System.CommandLine;
using System.Globalization;
using Apollo.Configuration;
using Apollo.Search;
using Apollo.Search.Optimizers;
using Apollo.Search.Storage;
using Apollo.Search.Studies;
using Apollo.Search.Sweeps;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary>
/// <c>apollo sweep FILE</c> (run a sweep locally or submit it to Slurm), <c>apollo sweep status FILE</c>, and the
/// hidden <c>apollo sweep-cell FILE --index I</c> that each Slurm array task runs.
/// </summary>
public sealed class SweepCommand(CliStreams streams, ConfigLocator locator, TimeProvider clock)
{
    private static readonly TimeSpan SbatchTimeout = TimeSpan.FromMinutes(2);

    public IEnumerable<Command> Build()
    {
        yield return Sweep();
        yield return Cell();
    }

    private Command Sweep()
    {
        var file = SweepArgument();
        var backend = new Option<string>("--backend") { Description = "Where the cells run: local (this machine) or slurm (an sbatch job array).", DefaultValueFactory = _ => "local" };
        backend.AcceptOnlyFromAmong("local", "slurm");
        var jobs = new Option<int?>("--jobs") { Description = "local: cells run at once (default: one per core); each gets cores / jobs evaluation threads." };
        var partition = new Option<string?>("--partition") { Description = "slurm: partition (#SBATCH --partition)." };
        var time = new Option<string?>("--time") { Description = "slurm: time limit per array task, e.g. 2:00:00 (#SBATCH --time)." };
        var cpus = new Option<int>("--cpus-per-task") { Description = "slurm: CPUs per array task, used as evaluation threads.", DefaultValueFactory = _ => 1 };
        var dryRun = new Option<bool>("--dry-run") { Description = "Run nothing: local prints the plan (cells, shards, commands); slurm writes and prints the script without submitting it." };
        var apolloCommand = new Option<string?>("--apollo-command") { Description = $"slurm: command the tasks run instead of this apollo (also ${SlurmJobArray.CommandVariable}), e.g. \"dotnet /abs/apollo.dll\"." };
        var command = new Command("sweep", "Run a sweep (optimizers × budgets × seeds × workload sets) locally or as a Slurm job array; one SQLite shard per cell.")
        {
            file, backend, jobs, partition, time, cpus, dryRun, apolloCommand,
        };
        command.Subcommands.Add(Status());
        command.SetAction((result, cancellation) => CommandErrors.Guard(streams, () =>
        {
            var cores = Environment.ProcessorCount;
            var jobCount = CliValues.InRange(result.GetValue(jobs) ?? cores, "--jobs", 1, CliValues.MaxThreads);
            var slurm = result.GetValue(backend) == "slurm";
            var options = slurm ? SlurmOptions.Create(result.GetValue(partition), result.GetValue(time), result.GetValue(cpus)) : null;
            var sweep = Load(result.GetValue(file)!);
            if (options is not null)
            {
                return Task.FromResult(Submit(sweep, options, result.GetValue(apolloCommand), result.GetValue(dryRun)));
            }

            var parallel = Math.Min(jobCount, sweep.Cells.Count);
            // jobs × threads ≤ cores: more would only make the cells fight over the same cores.
            sweep = sweep.WithThreads(Math.Max(1, cores / parallel));
            ValidateCells(sweep);
            if (result.GetValue(dryRun))
            {
                WritePlan(sweep, parallel);
                return Task.FromResult(CommandErrors.Ok);
            }

            return Task.FromResult(new LocalSweep(streams, new StudySetup(clock), OptimizerRegistry.Default).Run(sweep, parallel, cancellation));
        }));
        return command;
    }

    private Command Status()
    {
        var file = SweepArgument();
        var format = OutputFormats.Option(OutputFormats.Table, OutputFormats.Json, OutputFormats.Csv);
        var command = new Command("status", "Show each cell's progress from its shard, and the Slurm state of its array task when a job was submitted.") { file, format };
        command.SetAction((result, _) => CommandErrors.Guard(streams, () =>
        {
            var sweep = Load(result.GetValue(file)!);
            var array = new SlurmJobArray(sweep, locator.WorkingDirectory);
            var jobId = File.Exists(array.JobIdPath) ? File.ReadAllText(array.JobIdPath).Trim() : null;
            var slurm = jobId is null ? new Dictionary<int, string>() : SlurmQueue.TaskStates(jobId);
            var progress = sweep.Cells.Select(CellProgress.Read).ToList();
            if (result.GetValue(format) is OutputFormats.Json or OutputFormats.Csv)
            {
                OutputFormats.WriteRows(streams.Out, result.GetValue(format) == OutputFormats.Csv, StatusColumns, progress.Select(p => (IReadOnlyList<object?>)
                [
                    p.Cell.Index, p.Cell.Name, p.Trials, p.Cell.Config.Trials, p.BestReward > 0 ? p.BestReward : null, CellState(p),
                    jobId is null ? null : slurm.GetValueOrDefault(p.Cell.Index), p.Cell.Config.Database,
                ]));
                return Task.FromResult(CommandErrors.Ok);
            }

            var table = new Table().AddColumn(new TableColumn("index").RightAligned()).AddColumn("cell").AddColumn(new TableColumn("trials").RightAligned())
                .AddColumn(new TableColumn("best reward").RightAligned()).AddColumn("state");
            if (jobId is not null)
            {
                table.AddColumn($"slurm state (job {jobId})");
            }

            foreach (var p in progress)
            {
                var state = CellState(p);
                var row = new List<string>
                {
                    p.Cell.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(p.Cell.Name),
                    string.Create(CultureInfo.InvariantCulture, $"{p.Trials}/{p.Cell.Config.Trials}"),
                    p.BestReward > 0 ? p.BestReward.ToString("F4", CultureInfo.InvariantCulture) : "-", state,
                };
                if (jobId is not null)
                {
                    row.Add(slurm.GetValueOrDefault(p.Cell.Index, "-"));
                }

                table.AddRow(row.ToArray());
            }

            var console = streams.CreateConsole();
            console.Write(table);
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{progress.Count(p => p.Finished)} of {progress.Count} cells done, {progress.Sum(p => p.Trials)} of {progress.Sum(p => p.Cell.Config.Trials)} trials; shards in {sweep.ShardFolder}")));
            return Task.FromResult(CommandErrors.Ok);
        }));
        return command;
    }

    /// <summary>The columns of <c>sweep status --format csv</c> and the keys of its JSON lines.</summary>
    private static readonly string[] StatusColumns = ["index", "cell", "trials", "requested_trials", "best_reward", "state", "slurm_state", "shard"];

    private static string CellState(CellProgress p) => p.Problem is not null ? "unreadable" : p.Finished ? "done" : p.Trials > 0 ? "partial" : "pending";

    private Command Cell()
    {
        var file = SweepArgument();
        var index = new Option<int>("--index") { Description = "Cell index (the Slurm array task id).", Required = true };
        var threads = new Option<int?>("--threads") { Description = "Evaluation threads (default: the base config's)." };
        var command = new Command("sweep-cell", "Run one cell of a sweep into its shard, resuming it (used by Slurm array tasks).") { file, index, threads };
        command.Hidden = true;
        command.SetAction((result, cancellation) => CommandErrors.Guard(streams, () =>
        {
            var cellThreads = CliValues.Threads(result.GetValue(threads));
            var sweep = Load(result.GetValue(file)!);
            var i = result.GetValue(index);
            if (i < 0 || i >= sweep.Cells.Count)
            {
                throw new ConfigException("<command line>", null, "--index", string.Create(CultureInfo.InvariantCulture, $"cell index {i} is out of range; the sweep has cells 0..{sweep.Cells.Count - 1}"));
            }

            if (cellThreads is { } t)
            {
                sweep = sweep.WithThreads(t);
            }

            return Task.FromResult(RunCell(sweep.Cells[i], cancellation));
        }));
        return command;
    }

    private int RunCell(SweepCell cell, CancellationToken cancellation)
    {
        var progress = CellProgress.Read(cell);
        if (progress.Finished)
        {
            streams.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cell {cell.Index} {cell.Name}: already finished ({progress.Trials} trials, best {progress.BestReward:F4})"));
            return CommandErrors.Ok;
        }

        var study = new StudySetup(clock).Prepare(cell.Config, OptimizerRegistry.Default);
        streams.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cell {cell.Index} {cell.Name}: {cell.Optimizer.Name}, budget {cell.BudgetMm2} mm², seed {cell.Seed}, {cell.Config.Trials} trials ({progress.Trials} stored), {cell.Config.Threads} threads, shard {cell.Config.Database}"));
        var next = 0;
        var step = Math.Max(1, cell.Config.Trials / 10);
        var outcome = study.Runner.Run(resume: true, new SynchronousProgress<StudyState>(s =>
        {
            if (s.Trials >= next)
            {
                streams.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trials {s.Trials}/{s.RequestedTrials} best {s.BestReward:F4} elapsed {s.Elapsed.TotalSeconds:F1} s"));
                next = s.Trials + step;
            }
        }), cancellation);

        StoreViews.WriteOutcome(streams.CreateConsole(), outcome, cell.Config.Database);
        return outcome.StopReason is StopReason.Interrupted ? CommandErrors.Interrupted : CommandErrors.Ok;
    }

    private int Submit(SweepConfig sweep, SlurmOptions options, string? apolloCommand, bool dryRun)
    {
        ValidateCells(sweep);
        var array = new SlurmJobArray(sweep, locator.WorkingDirectory);
        var command = apolloCommand
            ?? (Environment.GetEnvironmentVariable(SlurmJobArray.CommandVariable) is { Length: > 0 } fromEnv ? fromEnv : SlurmJobArray.DefaultApolloCommand());
        var script = array.Script(options, command);
        // Slurm does not create the folder of --output; the shards' folder is created so tasks never race on it.
        Directory.CreateDirectory(array.LogFolder);
        Directory.CreateDirectory(sweep.ShardFolder);
        File.WriteAllText(array.ScriptPath, script);
        if (dryRun)
        {
            streams.Out.Write(script);
            streams.Out.WriteLine($"# written to {array.ScriptPath}; not submitted (--dry-run)");
            return CommandErrors.Ok;
        }

        var submitted = ExternalResult.Run("sbatch", ["--parsable", array.ScriptPath], SbatchTimeout, locator.WorkingDirectory);
        if (!submitted.Succeeded)
        {
            streams.Error.WriteLine($"error: sbatch failed ({(submitted.ExitCode is { } code ? $"exit code {code}" : "not started")}): {submitted.Error.Trim()}; the script is {array.ScriptPath} (--dry-run prints it without submitting)");
            return CommandErrors.Failure;
        }

        // --parsable prints "jobid" or "jobid;cluster".
        var jobId = submitted.Out.Trim().Split(';')[0];
        File.WriteAllText(array.JobIdPath, jobId + "\n");
        streams.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"submitted job array {jobId}: {sweep.Cells.Count} tasks (cells 0..{sweep.Cells.Count - 1}); script {array.ScriptPath}; logs in {array.LogFolder}"));
        streams.Out.WriteLine($"next: apollo sweep status {sweep.File}");
        return CommandErrors.Ok;
    }

    /// <summary>What a local run would do, cell by cell, with the command that runs each cell alone; nothing is written.</summary>
    private void WritePlan(SweepConfig sweep, int parallel)
    {
        var progress = sweep.Cells.Select(CellProgress.Read).ToList();
        var inv = CultureInfo.InvariantCulture;
        var threads = sweep.Cells[0].Config.Threads;
        streams.Out.WriteLine(string.Create(inv,
            $"sweep '{sweep.Name}': {sweep.Cells.Count} cells ({progress.Count(p => p.Finished)} already finished), {parallel} at a time, {threads} evaluation threads each; shards in {sweep.ShardFolder}"));
        foreach (var p in progress)
        {
            var cell = p.Cell;
            var state = p.Finished ? "finished, skipped" : p.Trials > 0 ? "resumed" : "new";
            streams.Out.WriteLine(string.Create(inv,
                $"cell {cell.Index} {cell.Name}: {cell.Optimizer.Label}, budget {cell.BudgetMm2} mm², seed {cell.Seed}, workloads {cell.WorkloadSet ?? "of the base config"}, {p.Trials}/{cell.Config.Trials} trials stored ({state}); shard {cell.Config.Database}"));
            streams.Out.WriteLine(string.Create(inv, $"  apollo sweep-cell {SlurmJobArray.Quote(sweep.File)} --index {cell.Index} --threads {threads}"));
        }

        streams.Out.WriteLine("# --dry-run: nothing was run");
    }

    /// <summary>Checks one cell per optimizer entry and workload set (seeds and budgets cannot make a config invalid), before anything runs.</summary>
    private void ValidateCells(SweepConfig sweep)
    {
        var setup = new StudySetup(clock);
        foreach (var cell in sweep.Cells.DistinctBy(c => (c.Optimizer.Label, c.WorkloadSet)))
        {
            _ = setup.Prepare(cell.Config, OptimizerRegistry.Default);
        }
    }

    private SweepConfig Load(string path) => SweepConfig.Load(locator.UserPath(path), locator.WorkingDirectory, locator.ConfigsRoot, OptimizerRegistry.Default);

    private static Argument<string> SweepArgument() => new("file") { Description = "Sweep YAML (see docs/sweeps.md)." };
}
