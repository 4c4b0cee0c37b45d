namespace Apollo.Simulator.Timing;

/// <summary>
/// Work of one temporal tile at the DRAM level, as the compiler planned it: MAC steps of the busiest
/// core (edge effects included), cycles the on-chip memories need to feed it, and DRAM traffic.
/// </summary>
/// Fractional values are allowed: a layer's totals split into equal tiles need not divide evenly.
public readonly record struct TileWork(double ComputeCycles, double OnChipCycles, double DramReadBytes, double DramWriteBytes);

/// <summary>
/// A compiled layer as the simulator sees it: <see cref="Tiles"/> tiles, all equal to
/// <see cref="FullTile"/> except the last, which is <see cref="LastTile"/>; <see cref="Passes"/> inner
/// passes of the lanes, of which the program issues <see cref="PassesPerIssue"/> per loop iteration.
/// The simulator knows nothing about how the mapping was chosen.
/// </summary>
public readonly record struct LayerSchedule(
    long Macs,
    long Tiles,
    TileWork FullTile,
    TileWork LastTile,
    long Passes,
    long PassesPerIssue);

/// <summary>Cycle breakdown of one layer execution (batch 1).</summary>
public readonly record struct LayerTiming(
    long TotalCycles,
    long ComputeCycles,
    long MemoryStallCycles,
    long OverheadCycles,
    double Utilization,
    long DramBytes);
