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

/// <summary>Which loop dimension each spatial level of the array partitions (Timeloop's spatial factors, one dimension per level).</summary>
public readonly record struct SpatialMapping(
    LoopDimension PeColumns,
    LoopDimension PeRows,
    LoopDimension Cores,
    LoopDimension Lanes,
    LoopDimension MacWays);

/// <summary>Temporal tiling chosen for a layer.</summary>
/// <param name="ChannelChunk">Input channels reduced per pass (partial sums spill to PE memory when smaller than the core's share).</param>
/// <param name="Bands">Output-row bands at the PE-memory level (1 = the PE's activations stay resident).</param>
/// <param name="WeightTiles">Weight tiles at the core-memory level (1 = the core's weights fit at once).</param>
/// <param name="Tiles">DMA tiles at the DRAM level (double-buffered).</param>
/// <param name="Unroll">Passes unrolled per loop iteration in the generated program.</param>
/// <param name="ProgramEntries">Instruction-memory entries the generated program occupies.</param>
public sealed record TemporalMapping(int ChannelChunk, long Bands, long WeightTiles, long Tiles, long Unroll, long ProgramEntries);

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
