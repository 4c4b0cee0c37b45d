using Apollo.Compiler.Workloads;
using Apollo.Simulator.Energy;
using Apollo.Simulator.Template;

namespace Apollo.Compiler.Mapping;

/// <summary>
/// Derives the action counts of one execution of a mapped layer (docs/model.md, "Energy") from the
/// mapping's public fields, for the <see cref="EnergyModel"/> to price. It follows the data path the
/// mapping compiler and cycle model assume: DRAM → (NoC) → PE memory for activations and core memory for
/// weights → staging buffers → lanes, outputs and partial sums back to PE memory, and the program fetched
/// from instruction memory. Counts are totals over all PEs and cores; a repeated layer is multiplied by
/// its repeat by the caller.
/// </summary>
/// <remarks>
/// Only the spatial factors (<see cref="Factors"/>) depend on how the mapping is represented; everything
/// else uses the shape, the temporal mapping, the schedule and the DRAM bytes of the timing.
/// </remarks>
public static class LayerActions
{
    private const int Dims = 6;
    private const int G = (int)LoopDimension.Groups, K = (int)LoopDimension.OutputChannels, C = (int)LoopDimension.InputChannels;
    private const int P = (int)LoopDimension.OutputRows, Q = (int)LoopDimension.OutputColumns, RS = (int)LoopDimension.KernelWindow;

    /// <summary>Action counts of one execution of <paramref name="layer"/> on <paramref name="config"/>.</summary>
    /// <param name="layer">The mapped layer.</param>
    /// <param name="config">The design point it was mapped for.</param>
    /// <param name="technology">Byte sizes and the program constants.</param>
    /// <param name="weightsStreamed">The layer's weights come from DRAM this inference (false when they stay pinned on chip).</param>
    public static ActionCounts Count(MappedLayer layer, AcceleratorConfig config, Technology technology, bool weightsStreamed)
    {
        var shape = layer.Shape;
        var t = technology;
        Span<long> extent = stackalloc long[Dims];
        Span<long> peFactor = stackalloc long[Dims];
        Span<long> arrayFactor = stackalloc long[Dims];
        Span<long> innerFactor = stackalloc long[Dims];
        Factors(layer, config, t, extent, peFactor, arrayFactor, innerFactor);
        Span<long> perPe = stackalloc long[Dims];
        Span<long> perCore = stackalloc long[Dims];
        Span<long> steps = stackalloc long[Dims];
        for (var d = 0; d < Dims; d++)
        {
            perPe[d] = CeilDiv(extent[d], peFactor[d]);
            perCore[d] = CeilDiv(extent[d], arrayFactor[d]);
            steps[d] = CeilDiv(perCore[d], innerFactor[d]);
        }

        double bytesA = t.BytesPerActivation;
        double bytesW = t.BytesPerWeight;
        var operands = shape.Op == LayerOp.Elementwise ? 2.0 : 1.0;
        // Idle units do nothing: only the PEs and cores the mapping uses count.
        var units = Units(layer, config, t);
        double pes = (double)units.PeColumns * units.PeRows;
        double cores = pes * units.Cores;
        double macs = shape.Macs;

        // Lanes: every MAC reads one weight and one activation operand from the staging buffers, except that
        // a value broadcast to all lanes of a core is read once (weights when lanes split output columns,
        // activations when they split output channels).
        var lanesDim = (int)layer.Spatial.Lanes;
        var lanesUsed = (double)Math.Min(innerFactor[lanesDim], perCore[lanesDim]);
        var weightOperandReads = shape.HasWeights ? macs * bytesW / (lanesDim == Q ? lanesUsed : 1) : 0;
        var activationOperandReads = macs * bytesA * operands / (lanesDim == K ? lanesUsed : 1);

        // Core memory → parameter staging: the core's weight share once when it stays in staging, else
        // re-streamed for every pixel group (the cycle model's rule).
        var coreWeights = shape.HasWeights ? (double)perCore[G] * perCore[K] * perCore[C] * perCore[RS] * bytesW : 0;
        var coreWeightReads = coreWeights * 2 <= config.ParameterMemoryBytes ? coreWeights : coreWeights * steps[P] * steps[Q];

        // PE memory → activation staging: the PE memory multicasts (the compiler's rule), so one read serves
        // every core whose window holds the word: it streams the PE's input window once per output-channel lane
        // group, whatever the number of cores; each used core receives its own window into its staging.
        var kernelRows = ((long)(shape.KernelHeight - 1) * shape.DilationHeight) + 1;
        var kernelCols = ((long)(shape.KernelWidth - 1) * shape.DilationWidth) + 1;
        var bandKernelRows = shape.HasWeights ? kernelRows : 1;
        var bandTaps = shape.HasWeights ? shape.KernelHeight : 1;
        long InRows(long rows) => Math.Min(Math.Min(((rows - 1) * shape.StrideHeight) + bandKernelRows, rows * bandTaps), shape.InputHeight);
        var inColsCore = Math.Min(((perCore[Q] - 1) * shape.StrideWidth) + kernelCols, shape.InputWidth);
        var coreInputBytes = (double)perCore[G] * perCore[C] * InRows(perCore[P]) * inColsCore * bytesA * operands * steps[K];
        var inColsPe = Math.Min(((perPe[Q] - 1) * shape.StrideWidth) + kernelCols, shape.InputWidth);
        var peInputBytes = (double)perPe[G] * perPe[C] * InRows(perPe[P]) * inColsPe * bytesA * operands * steps[K];

        // Partial sums: a reduction split into chunks reads and writes the accumulators (chunks - 1) times.
        var chunk = Math.Max(1, layer.Temporal.ChannelChunk);
        var chunks = CeilDiv(perCore[C], chunk);
        var psumEachWay = chunks > 1 ? (double)perCore[G] * perCore[K] * perCore[P] * perCore[Q] * t.BytesPerPartialSum * (chunks - 1) : 0;

        // DRAM: the schedule's read/write split; reads beyond the layer's weights are activations arriving in PE memory.
        var s = layer.Schedule;
        var dramRead = ((s.Tiles - 1) * s.FullTile.DramReadBytes) + s.LastTile.DramReadBytes;
        var dramWrite = ((s.Tiles - 1) * s.FullTile.DramWriteBytes) + s.LastTile.DramWriteBytes;
        var weightBytes = shape.WeightElements * bytesW;
        var weightsFromDram = weightsStreamed ? Math.Min(dramRead, weightBytes) : 0;
        var activationsFromDram = Math.Max(0, dramRead - weightsFromDram);

        // NoC: every byte between the link and a PE crosses the mesh, on average half its perimeter; weights
        // are delivered to each PE that needs them (unicast per destination).
        var peWeights = shape.HasWeights ? (double)perPe[G] * perPe[K] * extent[C] * perPe[RS] * bytesW : 0;
        var weightsToPes = weightsFromDram > 0 ? pes * peWeights : 0;
        var hops = AverageHops(config);

        // Instruction memory: the program is loaded once per layer into every core; each core fetches the
        // prologue, a variant body per DMA tile, the loop instructions per loop iteration and 2 per pass.
        var p = t.Program;
        var iterations = (double)CeilDiv(s.Passes, Math.Max(1, s.PassesPerIssue));
        var fetches = p.PrologueInstructions + ((double)s.Tiles * p.VariantBodyInstructions) + (iterations * p.LoopInstructions) + (2.0 * s.Passes);

        return new ActionCounts(
            macs,
            new MemoryTraffic(
                (pes * peInputBytes) + (cores * psumEachWay) + dramWrite,
                (shape.OutputElements * bytesA) + (cores * psumEachWay) + activationsFromDram),
            new MemoryTraffic(cores * coreWeightReads, weightsFromDram > 0 ? cores * coreWeights : 0),
            new MemoryTraffic(weightOperandReads, cores * coreWeightReads),
            new MemoryTraffic(activationOperandReads, cores * coreInputBytes),
            new MemoryTraffic(cores * fetches * t.InstructionBytes, cores * (double)layer.Temporal.ProgramEntries * t.InstructionBytes),
            layer.Timing.DramBytes,
            (weightsToPes + activationsFromDram + dramWrite) * hops);
    }

    /// <summary>Average NoC hops between the DRAM link and a PE: 1 + ((pe_x − 1) + (pe_y − 1)) / 2.</summary>
    public static double AverageHops(AcceleratorConfig config) => 1 + ((config.PeX - 1 + config.PeY - 1) / 2.0);

    /// <summary>Units the mapping uses per level; a mapping built by hand without them uses every unit.</summary>
    private static SpatialUnits Units(MappedLayer layer, AcceleratorConfig config, Technology technology) =>
        layer.Spatial.Units.PeColumns > 0 ? layer.Spatial.Units : new SpatialUnits(config.PeX, config.PeY, config.Cores, config.Lanes, technology.MacWays);

    /// <summary>
    /// Loop extents and the spatial factors per dimension: PE array, PE array × cores, and lanes × MAC ways
    /// inside a core. Each spatial level partitions its one dimension by the units it uses.
    /// </summary>
    private static void Factors(MappedLayer layer, AcceleratorConfig config, Technology technology, Span<long> extent, Span<long> pe, Span<long> array, Span<long> inner)
    {
        var shape = layer.Shape;
        ReadOnlySpan<long> loops = [shape.Groups, shape.OutputChannels, shape.InputChannels, shape.OutputHeight, shape.OutputWidth, (long)shape.KernelHeight * shape.KernelWidth];
        loops.CopyTo(extent); // in LoopDimension order
        pe.Fill(1);
        inner.Fill(1);
        var spatial = layer.Spatial;
        var units = Units(layer, config, technology);
        pe[(int)spatial.PeColumns] *= units.PeColumns;
        pe[(int)spatial.PeRows] *= units.PeRows;
        pe.CopyTo(array);
        array[(int)spatial.Cores] *= units.Cores;
        inner[(int)spatial.Lanes] *= units.Lanes;
        inner[(int)spatial.MacWays] *= units.MacWays;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
