using System.Globalization;
using Apollo.Search.Studies;
using Apollo.Search.Sweeps;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Apollo.Cli.Commands;

/// <summary>Where a cell of a running sweep is.</summary>
public enum CellPhase
{
    Pending,
    Running,
    Done,
    Failed,
}

/// <summary>One cell's line on the board.</summary>
public sealed record CellStatus(SweepCell Cell, CellPhase Phase, int Trials, double BestReward, string? Message);

/// <summary>
/// The live state of a sweep: every cell's phase, trials and best reward. Updated from the cells' worker
/// threads, read by the display; all access is under one lock.
/// </summary>
public sealed class SweepBoard
{
    private readonly Lock _lock = new();
    private readonly CellStatus[] _cells;

    public SweepBoard(IEnumerable<CellProgress> progress) =>
        _cells = progress.Select(p => new CellStatus(p.Cell, p.Finished ? CellPhase.Done : CellPhase.Pending, p.Trials, p.BestReward, p.Finished ? "already finished" : null)).ToArray();

    public IReadOnlyList<CellStatus> Snapshot()
    {
        lock (_lock)
        {
            return [.. _cells];
        }
    }

    public void Set(SweepCell cell, CellPhase phase, string? message = null) =>
        Update(cell, c => c with { Phase = phase, Message = message ?? c.Message });

    public void Progress(SweepCell cell, StudyState state) =>
        Update(cell, c => c with { Trials = state.Trials, BestReward = state.BestReward });

    /// <summary>"done 3 / running 2 / pending 31 / failed 0".</summary>
    public string Counts()
    {
        var cells = Snapshot();
        int Count(CellPhase p) => cells.Count(c => c.Phase == p);
        return string.Create(CultureInfo.InvariantCulture,
            $"cells: {Count(CellPhase.Done)} done, {Count(CellPhase.Running)} running, {Count(CellPhase.Pending)} pending, {Count(CellPhase.Failed)} failed (of {cells.Count})");
    }

    /// <summary>Best reward so far per optimizer (rows) and budget (columns), over seeds and workload sets.</summary>
    public Table BestTable()
    {
        var cells = Snapshot();
        var budgets = cells.Select(c => c.Cell.BudgetMm2).Distinct().ToList();
        var table = new Table().Title("best reward so far (cells done/total)").AddColumn("optimizer");
        foreach (var b in budgets)
        {
            table.AddColumn(new TableColumn(string.Create(CultureInfo.InvariantCulture, $"{b:R} mm²")).RightAligned());
        }

        foreach (var group in cells.GroupBy(c => c.Cell.Optimizer.Label))
        {
            var row = new List<IRenderable> { new Text(group.Key) };
            foreach (var b in budgets)
            {
                var inBudget = group.Where(c => c.Cell.BudgetMm2 == b).ToList();
                var best = inBudget.Select(c => c.BestReward).DefaultIfEmpty(0).Max();
                row.Add(new Text(string.Create(CultureInfo.InvariantCulture,
                    $"{(best > 0 ? best.ToString("F4", CultureInfo.InvariantCulture) : "-")} ({inBudget.Count(c => c.Phase == CellPhase.Done)}/{inBudget.Count})")));
            }

            table.AddRow(row);
        }

        return table;
    }

    /// <summary>The running and failed cells, for the live display.</summary>
    public Table ActiveTable()
    {
        var table = new Table().AddColumn("cell").AddColumn("state").AddColumn(new TableColumn("trials").RightAligned()).AddColumn(new TableColumn("best reward").RightAligned());
        foreach (var c in Snapshot().Where(c => c.Phase is CellPhase.Running or CellPhase.Failed))
        {
            table.AddRow(Markup.Escape(c.Cell.Name), c.Phase == CellPhase.Failed ? "[red]failed[/]" : "running",
                string.Create(CultureInfo.InvariantCulture, $"{c.Trials}/{c.Cell.Config.Trials}"), c.BestReward.ToString("F4", CultureInfo.InvariantCulture));
        }

        return table;
    }

    private void Update(SweepCell cell, Func<CellStatus, CellStatus> change)
    {
        lock (_lock)
        {
            _cells[cell.Index] = change(_cells[cell.Index]);
        }
    }
}
