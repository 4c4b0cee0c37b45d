using Apollo.Search.Storage;
using Microsoft.Data.Sqlite;

namespace Apollo.Search.Sweeps;

/// <summary>Where a cell stands, read from its shard.</summary>
/// <param name="Cell">The cell.</param>
/// <param name="Trials">Trials stored in its shard (0 when the shard or study does not exist yet).</param>
/// <param name="BestReward">Best reward so far; 0 when no feasible trial is stored.</param>
/// <param name="Problem">Why the shard could not be read, or null.</param>
public sealed record CellProgress(SweepCell Cell, int Trials, double BestReward, string? Problem = null)
{
    /// <summary>A cell is finished when its shard holds as many trials as the cell requests.</summary>
    public bool Finished => Trials >= Cell.Config.Trials;

    /// <summary>Reads a cell's progress from its shard without writing anything (safe while it runs).</summary>
    public static CellProgress Read(SweepCell cell)
    {
        if (!File.Exists(cell.Config.Database))
        {
            return new CellProgress(cell, 0, 0);
        }

        try
        {
            using var store = TrialStore.OpenReadOnly(cell.Config.Database);
            var summary = store.ListStudies().FirstOrDefault(s => s.Study.Definition.Name == cell.Name);
            return new CellProgress(cell, summary?.Trials ?? 0, summary?.BestReward ?? 0);
        }
        catch (Exception e) when (e is StoreException or SqliteException)
        {
            // A task that is creating its shard right now has no schema yet: report it, do not fail.
            return new CellProgress(cell, 0, 0, e.Message);
        }
    }
}
