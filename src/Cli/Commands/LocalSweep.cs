using System.Collections.Concurrent;
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
/// The <c>local</c> sweep backend: runs the unfinished cells of a sweep, at most <c>jobs</c> at a time, each into
/// its own shard. Finished cells (trials stored = requested) are skipped and unfinished ones resumed, so rerunning
/// a sweep continues it. A stop request lets every running cell store its in-flight batch and starts no new cell.
/// </summary>
public sealed class LocalSweep(CliStreams streams, StudySetup setup, OptimizerRegistry registry)
{
    public int Run(SweepConfig sweep, int jobs, CancellationToken cancellation)
    {
        var board = new SweepBoard(sweep.Cells.Select(CellProgress.Read));
        var pending = board.Snapshot().Where(c => c.Phase == CellPhase.Pending).Select(c => c.Cell).ToList();
        var console = streams.CreateConsole();
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"sweep '{sweep.Name}': {sweep.Cells.Count} cells ({sweep.Cells.Count - pending.Count} already finished), {jobs} at a time, {sweep.Cells[0].Config.Threads} evaluation threads each; shards in {sweep.ShardFolder}")));

        var output = new Lock();
        void Line(string text)
        {
            if (!streams.Interactive)
            {
                lock (output)
                {
                    streams.Out.WriteLine(text);
                }
            }
        }

        var work = Task.Run(() => Parallel.ForEach(
            // One cell at a time to each worker: a list would be range-partitioned up front, leaving one
            // worker with all the slow cells (gp-ei) while the other idles.
            Partitioner.Create(pending, EnumerablePartitionerOptions.NoBuffering),
            new ParallelOptions { MaxDegreeOfParallelism = jobs },
            cell =>
        {
            if (cancellation.IsCancellationRequested)
            {
                return; // stopping: start no new cell
            }

            board.Set(cell, CellPhase.Running);
            Line($"start {cell.Name}");
            try
            {
                var study = setup.Prepare(cell.Config, registry);
                var outcome = study.Runner.Run(resume: true, new SynchronousProgress<StudyState>(s => board.Progress(cell, s)), cancellation);
                var interrupted = outcome.StopReason is StopReason.Interrupted;
                board.Set(cell, interrupted ? CellPhase.Pending : CellPhase.Done, outcome.StopReason.Message);
                Line(string.Create(CultureInfo.InvariantCulture,
                    $"{(interrupted ? "stopped" : "done")} {cell.Name}: {outcome.State.Trials}/{cell.Config.Trials} trials, best {outcome.State.BestReward:F4}, {outcome.State.Elapsed.TotalSeconds:F1} s; {board.Counts()}"));
            }
            catch (Exception e) when (e is ConfigException or StoreException or StudyLockedException)
            {
                board.Set(cell, CellPhase.Failed, e.Message);
                Line($"failed {cell.Name}: {e.Message}; {board.Counts()}");
            }
        }));

        if (streams.Interactive)
        {
            console.Live(new Rows(new Text(board.Counts()))).AutoClear(true).Start(ctx =>
            {
                while (!work.Wait(TimeSpan.FromMilliseconds(500)))
                {
                    ctx.UpdateTarget(new Rows(new Text(board.Counts()), board.ActiveTable(), board.BestTable()));
                }
            });
        }

        work.GetAwaiter().GetResult();
        var final = board.Snapshot();
        foreach (var failed in final.Where(c => c.Phase == CellPhase.Failed))
        {
            streams.Error.WriteLine($"error: cell {failed.Cell.Name}: {failed.Message}");
        }

        console.Write(board.BestTable());
        console.MarkupLine(Markup.Escape(board.Counts()));
        console.MarkupLine(Markup.Escape($"next: apollo merge {Path.Combine(sweep.ShardFolder, "*.db")} --out {Path.Combine(sweep.ResultsFolder, sweep.Name + ".db")}"));
        if (cancellation.IsCancellationRequested)
        {
            return CommandErrors.Interrupted;
        }

        return final.Any(c => c.Phase == CellPhase.Failed) ? CommandErrors.Failure : CommandErrors.Ok;
    }
}
