using Apollo.Compiler.Workloads;
using Apollo.Simulator.Timing;

namespace Apollo.Compiler.Mapping;

/// <summary>Loop dimensions of the canonical layer nest; R and S are fused into the kernel window.</summary>
public enum LoopDimension
{
    Groups,
    OutputChannels,
    InputChannels,
    OutputRows,
    OutputColumns,
    KernelWindow,
}

/// <summary>
/// Which loop dimension each spatial level of the array partitions (Timeloop's spatial factors, one dimension per
/// level) and, in <see cref="Units"/>, how many units of each level the mapping uses; the rest stay idle.
/// </summary>
public readonly record struct SpatialMapping(
    LoopDimension PeColumns,
    LoopDimension PeRows,
    LoopDimension Cores,
    LoopDimension Lanes,
    LoopDimension MacWays)
{
    /// <summary>Units used per level (the spatial factor of its dimension); at most the level's size.</summary>
    public SpatialUnits Units { get; init; }
}

/// <summary>Units a mapping uses at each spatial level: its factor, from 1 up to the level's size.</summary>
public readonly record struct SpatialUnits(int PeColumns, int PeRows, int Cores, int Lanes, int MacWays);

/// <summary>Temporal tiling chosen for a layer.</summary>
/// <param name="ChannelChunk">Input channels reduced per pass (partial sums spill to PE memory when smaller than the core's share).</param>
/// <param name="Bands">Output-row bands at the PE-memory level (1 = the PE's activations stay resident).</param>
/// <param name="WeightTiles">Weight tiles at the core-memory level (1 = the core's weights fit at once).</param>
/// <param name="Tiles">DMA tiles at the DRAM level (double-buffered).</param>
/// <param name="Unroll">Passes unrolled per loop iteration in the generated program.</param>
/// <param name="ProgramEntries">Instruction-memory entries the generated program occupies.</param>
/// <param name="PredicatedDimensions">Dimensions with an uneven edge that run predicated (masked) in one code
/// variant instead of being peeled into variants of their own.</param>
/// <param name="PeeledDimensions">Dimensions with an uneven edge peeled into separate code variants.</param>
public sealed record TemporalMapping(int ChannelChunk, long Bands, long WeightTiles, long Tiles, long Unroll, long ProgramEntries, int PredicatedDimensions = 0, int PeeledDimensions = 0);

/// <summary>A layer's chosen mapping, the schedule it induces and the simulated timing.</summary>
/// <remarks><c>WeightsResident</c>: the layer's weights stay pinned on chip between inferences and stream no
/// DRAM bytes (set by the evaluator's weight-cache plan).</remarks>
public sealed record MappedLayer(
    string Name,
    LayerShape Shape,
    int Repeat,
    SpatialMapping Spatial,
    TemporalMapping Temporal,
    LayerSchedule Schedule,
    LayerTiming Timing,
    bool WeightsResident = false);
