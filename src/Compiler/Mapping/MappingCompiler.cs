using Apollo.Compiler.Workloads;
using Apollo.Simulator.Template;
using Apollo.Simulator.Timing;

namespace Apollo.Compiler.Mapping;

/// <summary>Result of compiling one layer: a mapping, or the reason no mapping exists.</summary>
public sealed record LayerCompilation(MappedLayer? Mapped, InfeasibleReason? Infeasible)
{
    public bool IsFeasible => Mapped is not null;
}

/// <summary>
/// The mapping compiler (DESIGN §4). For one (design point, layer) it enumerates a mapspace in the spirit
/// of Timeloop: spatial partitioning of the loop nest over PE columns, PE rows, cores, lanes and MAC ways,
/// and temporal tiling at the staging, core-memory and PE-memory levels. Checks run cheapest first:
/// capacity of every level (parameter, activation, core, PE and instruction memory) on the smallest tile
/// a mapping needs, then the cycle model on the valid mappings; the fewest cycles wins, ties go to the
/// first mapping in enumeration order so that compilation is deterministic.
/// </summary>
/// <remarks>
/// Every temporal choice is the largest that fits (or, for DRAM tiles, taken from a candidate list that
/// only grows with capacity), so adding memory or bandwidth never removes a valid mapping nor makes the
/// best one slower: the monotonicity invariant of DESIGN §5.
/// </remarks>
public sealed class MappingCompiler(Technology technology)
{
    private const int Dims = 6;
    private const int G = (int)LoopDimension.Groups;
    private const int K = (int)LoopDimension.OutputChannels;
    private const int C = (int)LoopDimension.InputChannels;
    private const int P = (int)LoopDimension.OutputRows;
    private const int Q = (int)LoopDimension.OutputColumns;
    private const int RS = (int)LoopDimension.KernelWindow;

    // Which dimensions each spatial level may partition (activations are never split over input channels
    // across PEs or cores: that would need a cross-core reduction the template does not have).
    private static readonly LoopDimension[] PeColumnChoices = [LoopDimension.OutputChannels, LoopDimension.OutputColumns, LoopDimension.Groups];
    private static readonly LoopDimension[] PeRowChoices = [LoopDimension.OutputRows, LoopDimension.OutputChannels, LoopDimension.Groups];
    private static readonly LoopDimension[] CoreChoices = [LoopDimension.OutputChannels, LoopDimension.OutputRows, LoopDimension.Groups];
    private static readonly LoopDimension[] LaneChoices = [LoopDimension.OutputChannels, LoopDimension.OutputColumns, LoopDimension.Groups];
    private static readonly LoopDimension[] WayChoices = [LoopDimension.InputChannels, LoopDimension.KernelWindow];

    // Upper bound on DMA tiles per layer: beyond it, issue overheads dominate any overlap gain.
    private const long MaxTiles = 1L << 16;

    private readonly CycleModel _cycles = new(technology);

    /// <summary>Compiles one layer for one design point.</summary>
    /// <param name="config">The design point.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="workload">The network, for the infeasibility message.</param>
    /// <param name="weightsResident">The network's weights stay pinned in core memory across inferences,
    /// so this layer streams no weights from DRAM and never reloads weight tiles.</param>
    public LayerCompilation Compile(AcceleratorConfig config, Layer layer, string? workload = null, bool weightsResident = false)
    {
        var shape = layer.Shape;
        Span<long> extent = stackalloc long[Dims];
        extent[G] = shape.Groups;
        extent[K] = shape.OutputChannels;
        extent[C] = shape.InputChannels;
        extent[P] = shape.OutputHeight;
        extent[Q] = shape.OutputWidth;
        extent[RS] = (long)shape.KernelHeight * shape.KernelWidth;

        MappedLayer? best = null;
        Failure? nearest = null;
        var peYChoices = Choices(PeRowChoices, config.PeY, extent);
        var coreChoices = Choices(CoreChoices, config.Cores, extent);
        var laneChoices = Choices(LaneChoices, config.Lanes, extent);
        var wayChoices = Choices(WayChoices, technology.MacWays, extent);
        foreach (var peX in Choices(PeColumnChoices, config.PeX, extent))
        {
            foreach (var peY in peYChoices)
            {
                foreach (var cores in coreChoices)
                {
                    foreach (var lanes in laneChoices)
                    {
                        foreach (var ways in wayChoices)
                        {
                            var spatial = new SpatialMapping(peX, peY, cores, lanes, ways);
                            var outcome = Evaluate(config, layer, spatial, extent, weightsResident, best?.Timing.TotalCycles ?? long.MaxValue);
                            if (outcome.Mapped is { } mapped)
                            {
                                best = mapped;
                            }
                            else if (outcome.Failure is { } failure && (nearest is null || failure.Ratio < nearest.Value.Ratio))
                            {
                                nearest = failure;
                            }
                        }
                    }
                }
            }
        }

        if (best is not null)
        {
            return new LayerCompilation(best, null);
        }

        var f = nearest ?? throw new InvalidOperationException($"layer {layer.Name}: the mapspace is empty");
        return new LayerCompilation(null, Describe(f, layer.Name, workload));
    }

    /// <summary>
    /// Spatial choices for one level. A level of size 1 partitions nothing, so one choice stands for all;
    /// a larger level assigned to a dimension of extent 1 idles and is skipped when a useful choice exists.
    /// </summary>
    private static LoopDimension[] Choices(LoopDimension[] allowed, int levelSize, ReadOnlySpan<long> extent)
    {
        if (levelSize == 1)
        {
            return [allowed[0]];
        }

        var useful = new List<LoopDimension>(allowed.Length);
        foreach (var d in allowed)
        {
            if (extent[(int)d] > 1)
            {
                useful.Add(d);
            }
        }

        return useful.Count > 0 ? [.. useful] : [allowed[0]];
    }

    private readonly record struct Failure(InfeasibilityLevel Level, double Needed, double Available, string Unit, string What)
    {
        public double Ratio => Needed / Available;
    }

    private readonly record struct Outcome(MappedLayer? Mapped, Failure? Failure);

    private Outcome Evaluate(AcceleratorConfig config, Layer layer, SpatialMapping spatial, ReadOnlySpan<long> extent, bool weightsResident, long bestCycles)
    {
        var shape = layer.Shape;
        var t = technology;
        Span<long> peFactor = stackalloc long[Dims];      // PE columns x PE rows per dimension
        Span<long> arrayFactor = stackalloc long[Dims];   // ... x cores
        Span<long> innerFactor = stackalloc long[Dims];   // lanes x ways inside a core
        peFactor.Fill(1);
        innerFactor.Fill(1);
        peFactor[(int)spatial.PeColumns] *= config.PeX;
        peFactor[(int)spatial.PeRows] *= config.PeY;
        peFactor.CopyTo(arrayFactor);
        arrayFactor[(int)spatial.Cores] *= config.Cores;
        innerFactor[(int)spatial.Lanes] *= config.Lanes;
        innerFactor[(int)spatial.MacWays] *= t.MacWays;

        Span<long> perPe = stackalloc long[Dims];
        Span<long> perCore = stackalloc long[Dims];
        Span<long> steps = stackalloc long[Dims];
        long computeSteps = 1;
        var variantDims = 0;
        for (var d = 0; d < Dims; d++)
        {
            perPe[d] = CeilDiv(extent[d], peFactor[d]);
            perCore[d] = CeilDiv(extent[d], arrayFactor[d]);
            steps[d] = CeilDiv(perCore[d], innerFactor[d]);
            computeSteps *= steps[d];
            var spatialTotal = arrayFactor[d] * innerFactor[d];
            if (spatialTotal > 1 && extent[d] % spatialTotal != 0)
            {
                variantDims++; // uneven partitioning: edge tiles get their own peeled code
            }
        }

        var bytesA = t.BytesPerActivation;
        var bytesW = t.BytesPerWeight;
        var operands = shape.Op == LayerOp.Elementwise ? 2L : 1L;
        var kernelRows = ((long)(shape.KernelHeight - 1) * shape.DilationHeight) + 1;
        var kernelCols = ((long)(shape.KernelWidth - 1) * shape.DilationWidth) + 1;

        // Staging: one pass feeds the lanes with kw output-channel groups over a chunk of input channels.
        var kw = Math.Min(innerFactor[G], perCore[G]) * Math.Min(innerFactor[K], perCore[K]);
        var minChunk = Math.Min(perCore[C], innerFactor[C]);
        var passWeightBytesPerChannel = shape.HasWeights ? kw * perCore[RS] * bytesW : 0;
        var pixelsPerPass = Math.Min(innerFactor[Q], perCore[Q]);
        // Staging holds only the taps a pass reads: with dilation these are KernelHeight rows and at most
        // pixels x KernelWidth columns, not the whole dilated span. A pooling reduction streams row by row.
        var windowCols = Math.Min(pixelsPerPass * shape.KernelWidth, ((pixelsPerPass - 1) * shape.StrideWidth) + kernelCols);
        var windowRows = shape.HasWeights ? shape.KernelHeight : 1;
        var windowBytesPerChannel = Math.Min(innerFactor[G], perCore[G]) * windowRows * windowCols * bytesA * operands;

        var minPassWeights = 2 * passWeightBytesPerChannel * minChunk; // double-buffered
        if (minPassWeights > config.ParameterMemoryBytes)
        {
            return Fail(InfeasibilityLevel.ParameterMemory, minPassWeights, config.ParameterMemoryBytes, "B", "smallest weight tile (double-buffered)");
        }

        var minWindow = 2 * windowBytesPerChannel * minChunk;
        if (minWindow > config.ActivationMemoryBytes)
        {
            return Fail(InfeasibilityLevel.ActivationMemory, minWindow, config.ActivationMemoryBytes, "B", "smallest input window (double-buffered)");
        }

        if (minPassWeights > config.CoreMemoryBytes)
        {
            return Fail(InfeasibilityLevel.CoreMemory, minPassWeights, config.CoreMemoryBytes, "B", "smallest weight tile (double-buffered)");
        }

        // Largest channel chunk that fits every staging level, a multiple of what the ways reduce at once.
        var chunk = perCore[C];
        if (passWeightBytesPerChannel > 0)
        {
            chunk = Math.Min(chunk, Math.Min(config.ParameterMemoryBytes, config.CoreMemoryBytes) / (2 * passWeightBytesPerChannel));
        }

        chunk = Math.Min(chunk, config.ActivationMemoryBytes / (2 * windowBytesPerChannel));
        if (chunk < perCore[C])
        {
            chunk = Math.Max(minChunk, chunk / minChunk * minChunk);
        }

        var chunks = CeilDiv(perCore[C], chunk);
        var outputBytes = chunks > 1 ? t.BytesPerPartialSum : bytesA;

        // Core memory: the core's weight share at once, or double-buffered weight tiles.
        var coreWeights = shape.HasWeights ? perCore[G] * perCore[K] * perCore[C] * perCore[RS] * bytesW : 0;
        var weightTiles = weightsResident || coreWeights <= config.CoreMemoryBytes ? 1 : CeilDiv(coreWeights, config.CoreMemoryBytes / 2);

        // PE memory: the PE's input and output activations resident, or streamed in output-row bands.
        var inCols = Math.Min(((perPe[Q] - 1) * shape.StrideWidth) + kernelCols, shape.InputWidth);
        var inputBytesPerRow = perPe[G] * extent[C] * inCols * bytesA * operands;
        var outputBytesPerRow = perPe[G] * perPe[K] * perPe[Q] * outputBytes;
        // Input rows a band of output rows needs at once: the dilated span, or fewer when the taps are
        // sparse. A pooling reduction accumulates row by row, so it holds one input row per output row.
        var bandKernelRows = shape.HasWeights ? kernelRows : 1;
        var bandTaps = shape.HasWeights ? shape.KernelHeight : 1;
        long InRows(long rows) => Math.Min(Math.Min(((rows - 1) * shape.StrideHeight) + bandKernelRows, rows * bandTaps), shape.InputHeight);
        var residentBytes = (InRows(perPe[P]) * inputBytesPerRow) + (perPe[P] * outputBytesPerRow);
        long bands = 1;
        var streamed = residentBytes > config.PeMemoryBytes;
        if (streamed)
        {
            var minBand = 2 * ((InRows(1) * inputBytesPerRow) + outputBytesPerRow);
            if (minBand > config.PeMemoryBytes)
            {
                return Fail(InfeasibilityLevel.PeMemory, minBand, config.PeMemoryBytes, "B", "smallest activation band (double-buffered)");
            }

            // 2*(in(rows)+out(rows)) <= capacity, with in(rows) <= (rows-1)*stride*bpr + kernelRows*bpr.
            var perRow = (shape.StrideHeight * inputBytesPerRow) + outputBytesPerRow;
            var fixedPart = (bandKernelRows - shape.StrideHeight) * inputBytesPerRow;
            var bandRows = Math.Clamp(((config.PeMemoryBytes / 2) - fixedPart) / perRow, 1, perPe[P]);
            bands = CeilDiv(perPe[P], bandRows);
        }

        // Program: loops with more than one trip, peeled variants for uneven edges, unrolled passes.
        var passes = chunks * steps[G] * steps[K] * steps[P] * steps[Q];
        var requiredTiles = RoundUpToPowerOfTwo(bands * weightTiles);
        if (requiredTiles > 1 && (extent[P] % requiredTiles) != 0)
        {
            variantDims++;
        }

        var p = t.Program;
        var loops = 1 + CountAbove1(requiredTiles, chunks, steps[G], steps[K], steps[P], steps[Q]);
        var variants = Math.Min(p.MaxVariants, 1L << Math.Min(variantDims, 20));
        // Kernel taps of a weighted layer are unrolled in every variant: each tap has its own address offset
        // pattern. Pooling windows reduce in a loop.
        var taps = shape.HasWeights ? CeilDiv(extent[RS], innerFactor[RS]) : 1;
        long Entries(long unroll) => p.PrologueInstructions + (loops * p.LoopInstructions) + (variants * (p.VariantBodyInstructions + taps + (2 * unroll)));
        if (Entries(1) > config.InstructionMemoryEntries)
        {
            return Fail(InfeasibilityLevel.InstructionMemory, Entries(1), config.InstructionMemoryEntries, "entries",
                $"smallest program ({variants} code variants, {loops} loops)");
        }

        // Unroll as many passes as the instruction memory holds (entries grow linearly with the unroll).
        var spareEntries = config.InstructionMemoryEntries - Entries(1);
        var unrollFactor = Math.Min(passes, 1 + (spareEntries / (2 * variants)));

        // DRAM traffic: weights are streamed per inference; activations only when they do not stay on chip.
        var weightBytes = weightsResident ? 0 : shape.WeightElements * bytesW;
        var inputBytes = shape.InputElements * bytesA;
        var outputDramBytes = shape.OutputElements * bytesA;
        long readBytes;
        long writeBytes = 0;
        if (streamed)
        {
            var halo = bands > 1 ? (double)(bands - 1) * Math.Max(0, kernelRows - shape.StrideHeight) / Math.Max(1, InRows(perPe[P])) : 0;
            var inputDram = (long)Math.Ceiling(inputBytes * (1 + halo));
            var bandsOuter = (weightTiles > 1 ? weightBytes * bands : weightBytes) + inputDram;
            var weightsOuter = weightBytes + (inputDram * weightTiles);
            readBytes = Math.Min(bandsOuter, weightsOuter);
            writeBytes = outputDramBytes;
        }
        else
        {
            readBytes = weightBytes;
        }

        // On-chip feeds: PE memory serves input windows (re-read per output-channel group) and partial sums;
        // core memory re-streams weights per pixel group unless the core's share stays in staging.
        var inRowsCore = InRows(perCore[P]);
        var inColsCore = Math.Min(((perCore[Q] - 1) * shape.StrideWidth) + kernelCols, shape.InputWidth);
        var coreInputBytes = perCore[G] * perCore[C] * inRowsCore * inColsCore * bytesA * operands * steps[K];
        var readers = spatial.Cores == LoopDimension.OutputChannels ? 1 : config.Cores; // cores on K share one broadcast
        var psumBytes = chunks > 1 ? perCore[G] * perCore[K] * perCore[P] * perCore[Q] * t.BytesPerPartialSum * 2 * (chunks - 1) : 0;
        var peMemoryCycles = CeilDiv((readers * coreInputBytes) + (config.Cores * psumBytes), t.Memory.PeMemoryBytesPerCycle);
        var coreReadBytes = coreWeights * 2 <= config.ParameterMemoryBytes ? coreWeights : coreWeights * steps[P] * steps[Q];
        var coreMemoryCycles = CeilDiv(coreReadBytes, t.Memory.CoreMemoryBytesPerCycle);
        var onChipCycles = Math.Max(peMemoryCycles, coreMemoryCycles);

        var bytesPerCycle = t.DramBytesPerCycle(config.IoBandwidthGBps);
        var lowerBound = Math.Max(Math.Max(computeSteps, onChipCycles), (long)((readBytes + writeBytes) / bytesPerCycle)) + t.Overheads.LayerSetupCycles;
        if (lowerBound >= bestCycles)
        {
            return default; // valid, but cannot beat the best mapping found so far
        }

        // DMA tile counts: every power of two from what capacity requires up to a fixed cap, so that more
        // memory only adds candidates. Cost is unimodal in the tile count (overlap gains fall as 1/n, issue
        // overheads grow as n), so the walk stops once it has risen twice in a row.
        LayerSchedule? bestSchedule = null;
        LayerTiming bestTiming = default;
        long previous = long.MaxValue;
        var rises = 0;
        var maxTiles = Math.Max(requiredTiles, Math.Min(computeSteps, MaxTiles));
        for (var tiles = requiredTiles; tiles <= maxTiles && rises < 2; tiles *= 2)
        {
            var tile = Split(computeSteps, onChipCycles, readBytes, writeBytes, tiles);
            var schedule = new LayerSchedule(shape.Macs, tiles, tile, tile, passes, unrollFactor);
            var timing = _cycles.Simulate(schedule, config);
            rises = timing.TotalCycles > previous ? rises + 1 : 0;
            previous = timing.TotalCycles;
            if (timing.TotalCycles < Math.Min(bestCycles, bestSchedule is null ? long.MaxValue : bestTiming.TotalCycles))
            {
                bestSchedule = schedule;
                bestTiming = timing;
            }
        }

        if (bestSchedule is not { } chosen)
        {
            return default;
        }

        // Only the winner of this spatial mapping is materialized: the mapspace is walked allocation-free.
        var temporal = new TemporalMapping((int)chunk, bands, weightTiles, chosen.Tiles, unrollFactor, Entries(unrollFactor));
        var best = new MappedLayer(layer.Name, shape, layer.Repeat, spatial, temporal, chosen, bestTiming);
        return new Outcome(best, null);
    }

    private static Outcome Fail(InfeasibilityLevel level, double needed, double available, string unit, string what) =>
        new(null, new Failure(level, needed, available, unit, what));

    /// <summary>
    /// Every tile gets an equal (fractional) share: a remainder piled onto one edge tile would make the
    /// cost jump when a total grows by one unit and break the monotonicity invariant.
    /// </summary>
    private static TileWork Split(long compute, long onChip, long read, long write, long tiles) =>
        new((double)compute / tiles, (double)onChip / tiles, (double)read / tiles, (double)write / tiles);

    private static InfeasibleReason Describe(Failure f, string layer, string? workload) =>
        new(InfeasibilityStage.Compile, f.Level, workload, layer, f.Needed, f.Available, f.Unit, f.What);

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static long RoundUpToPowerOfTwo(long v)
    {
        long r = 1;
        while (r < v)
        {
            r <<= 1;
        }

        return r;
    }

    private static int CountAbove1(params ReadOnlySpan<long> trips)
    {
        var count = 0;
        foreach (var trip in trips)
        {
            if (trip > 1)
            {
                count++;
            }
        }

        return count;
    }
}
