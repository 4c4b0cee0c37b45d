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
/// The mapping compiler (DESIGN §4): the search over a layer's <see cref="Mapspace"/>. For one (design point,
/// layer) it walks the spatial factorizations level by level (PE columns, PE rows, cores, lanes, MAC ways), each
/// level's factors largest first, and prunes by branch and bound: a partial mapping whose compute lower bound
/// already reaches the best cycles found is not extended, and neither are smaller factors of the same level
/// (their bound is no lower). Each complete mapping is checked cheapest first — capacity of every level
/// (parameter, activation, core, PE and instruction memory) on the smallest tile it needs — then its temporal
/// choices are costed with the cycle model; the fewest cycles wins, ties go to the first mapping in enumeration
/// order so that compilation is deterministic.
/// </summary>
/// <remarks>
/// <para>Pruning drops only mappings that cannot beat the best: by the compute bound, and by dominance
/// (<see cref="Dominance"/>): at the lane and MAC-way levels once a factor fits staging with one channel chunk;
/// at the PE levels once a factor keeps the activations resident in PE memory; at the core level every factor
/// but the largest of each dimension, because there a larger factor never costs more: it shrinks every
/// per-core extent (compute, staging and core-memory footprints, program loops), the PE memory multicasts to
/// its cores so more cores add no reads, uneven edges are predicated at no program cost, and the DMA tile
/// candidates depend on the layer alone.</para>
/// <para>A bigger design's mapspace contains a smaller one's with the same costs (idle units cost nothing), so
/// one more unit anywhere never makes the best mapping slower nor a feasible layer infeasible; every temporal
/// choice is the largest that fits, so neither does more memory or bandwidth: the monotonicity invariant of
/// DESIGN §4–5, property-tested over all shipped workloads (<c>MonotonicityTests</c>).</para>
/// </remarks>
public sealed class MappingCompiler(Technology technology)
{

    private const int Dims = 6;
    private const int Levels = 5;
    private const int G = (int)LoopDimension.Groups;
    private const int K = (int)LoopDimension.OutputChannels;
    private const int C = (int)LoopDimension.InputChannels;
    private const int P = (int)LoopDimension.OutputRows;
    private const int Q = (int)LoopDimension.OutputColumns;
    private const int RS = (int)LoopDimension.KernelWindow;

    private readonly CycleModel _cycles = new(technology);


    /// <summary>Compiles one layer for one design point.</summary>
    /// <param name="config">The design point.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="workload">The network, for the infeasibility message.</param>
    /// <param name="weightsResident">The network's weights stay pinned in core memory across inferences,
    /// so this layer streams no weights from DRAM and never reloads weight tiles.</param>
    public LayerCompilation Compile(AcceleratorConfig config, Layer layer, string? workload = null, bool weightsResident = false)
    {
        var search = new Search(new Mapspace(config, layer.Shape, technology.MacWays), config, layer, weightsResident);
        for (var d = 0; d < Dims; d++)
        {
            search.Extent[d] = search.Space.Extent((LoopDimension)d);
            search.Factor[d] = 1;
            search.Residual[d] = search.Extent[d];
        }

        // Every mapping pays the layer setup, one loop iteration and one tile's issue and pipeline fill, and
        // streams the weights over the link at least once (CycleModel), whatever its spatial factors.
        long inner = 1;
        for (var l = Levels - 1; l >= 0; l--)
        {
            search.InnerUnits[l] = inner;
            inner *= search.Space.Size((SpatialLevel)l);
        }

        var o = technology.Overheads;
        search.FixedCycles = o.LayerSetupCycles + o.PassIssueCycles;
        search.TileCycles = o.TileIssueCycles + o.PipelineDepthCycles;
        var weightBytes = weightsResident ? 0 : layer.Shape.WeightElements * technology.BytesPerWeight;
        search.WeightBytes = weightBytes;
        search.WeightLinkCycles = (weightBytes / technology.DramBytesPerCycle(config.IoBandwidthGBps)) + ExposedTransferCycles(weightBytes);
        search.MinimumChunks = MinimumChunks(config, layer.Shape);
        search.OutputBytesLowerBound = search.MinimumChunks > 1 ? technology.BytesPerPartialSum : Math.Min(technology.BytesPerActivation, technology.BytesPerPartialSum);

        Walk(ref search, 0);
        if (search.Best is { } best)
        {
            return new LayerCompilation(best, null);
        }

        var f = search.Nearest ?? throw new InvalidOperationException($"layer {layer.Name}: the mapspace is empty");
        return new LayerCompilation(null, Describe(f, layer.Name, workload));
    }

    [System.Runtime.CompilerServices.InlineArray(Dims)]
    private struct DimArray
    {
        private long _element;
    }

    [System.Runtime.CompilerServices.InlineArray(Levels)]
    private struct LevelArray
    {
        private int _element;
    }

    /// <summary>The state of one branch-and-bound walk: the partial mapping, what every mapping pays, and the best so far.</summary>
    private struct Search(Mapspace space, AcceleratorConfig config, Layer layer, bool weightsResident)
    {
        public readonly Mapspace Space = space;
        public readonly AcceleratorConfig Config = config;
        public readonly Layer Layer = layer;
        public readonly bool WeightsResident = weightsResident;
        public DimArray Extent;
        public DimArray Factor;      // product of the factors assigned so far, per dimension
        public DimArray Residual;    // per dimension: extent / factor, rounded up (what each unit of the next level gets)
        public DimArray PerPe;       // set once the PE factors are: the PE's share per dimension
        public DimArray PerCore;     // set once the core factors are: the core's share per dimension
        public DimArray InnerUnits;  // per level: units of the levels inside it, whatever they partition
        public LevelArray Dimension; // dimension of each level
        public LevelArray Units;     // factor of each level
        public long FixedCycles;     // layer setup and one loop iteration
        public long TileCycles;      // one tile's issue and pipeline fill
        public double WeightLinkCycles; // the weights over the link once (0 when they stay pinned)
        public long WeightBytes;     // streamed over the link per inference (0 when pinned)
        public long MinimumChunks;   // fewest channel chunks of any mapping
        public long OutputBytesLowerBound; // per output element in PE memory: partial sums when the reduction must be chunked
        // Set once the PE factors are (see Bound):
        public bool Streamed;        // the PE's activations cannot stay resident
        public long Bands;           // fewest activation bands
        public long InputDramBytes;  // input over the link, with the fewest bands' halo
        public long PeInputBytes;    // PE-memory reads of the PE's input window, per output-channel lane group
        public long PePartialSumBytes; // PE-memory partial-sum traffic of the fewest channel chunks
        public double PeLinkCycles;  // the link, without the halo (monotone)
        public double PeHaloLinkCycles; // the link, with the halo
        public long StreamedExposedCycles; // the exposed fill and drain streamed activations add
        public long MinTiles;        // fewest DMA tiles: the bands, then times the weight tiles
        public long TileTransferCycles; // per-transfer cost of one tile's DMA
        // Set once the core factors are:
        public long CoreWeights;     // the core's share of the weights
        public double CoreLinkCycles; // the link, with the weight tiles
        public MappedLayer? Best;
        public Failure? Nearest;

        public readonly long BestCycles => Best?.Timing.TotalCycles ?? long.MaxValue;
    }

    /// <summary>
    /// Assigns a dimension and factor to <paramref name="level"/> and recurses. Factors run largest first; once
    /// a factor's lower bound (<see cref="Bound"/>) reaches the best so far, the smaller ones (whose bound is no
    /// lower) are skipped. Smaller factors are also skipped once every mapping under a factor dominates them
    /// (see <see cref="Dominance"/>). Returns what every mapping under this level dominates.
    /// </summary>
    private Dominance Walk(ref Search s, int level)
    {
        if (level == Levels)
        {
            return Complete(ref s);
        }

        var spatialLevel = (SpatialLevel)level;
        var size = s.Space.Size(spatialLevel);
        var dims = Mapspace.Dimensions(spatialLevel);
        var idleListed = false;
        var dominated = Dominance.All;
        var prunes = level switch
        {
            < (int)SpatialLevel.Cores => Dominance.SmallerPeFactors,
            > (int)SpatialLevel.Cores => Dominance.SmallerLanesAndWays,
            _ => Dominance.None,
        };
        foreach (var dimension in dims)
        {
            var d = (int)dimension;
            var residual = Residual(ref s, d);
            var outer = s.Factor[d];
            var first = true;
            foreach (var factor in Mapspace.Factors(residual, size))
            {
                if ((factor == 1 && idleListed) || (level == (int)SpatialLevel.Cores && !first))
                {
                    break; // at the core level only the largest factor (see the remarks)
                }

                first = false;
                s.Factor[d] = outer * factor;
                s.Residual[d] = CeilDiv(s.Extent[d], s.Factor[d]);
                var (monotone, bound) = Bound(ref s, level);
                if (monotone >= s.BestCycles)
                {
                    break; // no smaller factor can do better
                }

                if (bound >= s.BestCycles)
                {
                    continue; // this factor cannot, a smaller one might (fewer DMA bands may re-read fewer halo rows)
                }

                s.Dimension[level] = d;
                s.Units[level] = (int)factor;
                var below = Walk(ref s, level + 1);
                dominated &= below;
                if ((below & prunes) != 0)
                {
                    break;
                }
            }

            s.Factor[d] = outer;
            s.Residual[d] = residual;
            // The list of every level but the core level ends with the idle factor 1, listed once per level.
            idleListed |= level != (int)SpatialLevel.Cores || Math.Min(size, residual) == 1;
        }

        return dominated;
    }

    /// <summary>
    /// The fewest channel chunks any mapping of the layer needs (see <see cref="Evaluate"/>): input channels are
    /// never split over PEs or cores, and a pass stages at least one kernel's weights and one window column per
    /// channel; the MAC ways may round a chunk up to what they reduce at once.
    /// </summary>
    private long MinimumChunks(AcceleratorConfig config, LayerShape shape)
    {
        var t = technology;
        var channels = (long)shape.InputChannels;
        var chunk = channels;
        var kernel = (long)shape.KernelHeight * shape.KernelWidth;
        if (shape.HasWeights)
        {
            chunk = Math.Min(chunk, Math.Min(config.ParameterMemoryBytes, config.CoreMemoryBytes) / (2 * kernel * t.BytesPerWeight));
        }

        var operands = shape.Op == LayerOp.Elementwise ? 2L : 1L;
        var windowRows = shape.HasWeights ? shape.KernelHeight : 1;
        chunk = Math.Min(chunk, config.ActivationMemoryBytes / (2 * windowRows * shape.KernelWidth * t.BytesPerActivation * operands));
        chunk = Math.Max(chunk, Math.Min(channels, t.MacWays));
        return CeilDiv(channels, Math.Max(1, chunk));
    }

    private static long Residual(ref Search s, int d) => s.Residual[d];

    /// <summary>
    /// Lower bounds on the cycles of every mapping that extends the partial one, <paramref name="level"/> being
    /// the level just assigned: what <see cref="Evaluate"/>'s bound would be with every unknown at its most
    /// favourable value, so they never prune a mapping that could win. <c>Monotone</c> holds only terms that
    /// are non-increasing in the factor of the level, which is what lets the walk stop at the first smaller
    /// factor that reaches the best; <c>Full</c> adds the DMA halo and weight reloads, which are not.
    /// <list type="bullet">
    /// <item>the busiest core's MAC steps: the work left spread over every inner unit;</item>
    /// <item>once the PE factors are set, the link: the weights, plus the layer's input and output when the PE's
    /// share of activations cannot stay resident (at the narrowest output width the reduction allows);</item>
    /// <item>the PE memory's reads of the PE's input window, once per output-channel group that the cores and
    /// lanes still to assign cannot cover;</item>
    /// <item>once the core factors are set, the core memory's reads of the core's weights, at least once; and
    /// the weight tiles the core memory needs, which multiply the streamed activations or the weights.</item>
    /// </list>
    /// </summary>
    private (long Monotone, long Full) Bound(ref Search s, int level)
    {
        long steps = 1;
        for (var d = 0; d < Dims; d++)
        {
            steps *= s.Residual[d];
        }

        double busy = CeilDiv(steps, s.InnerUnits[level]) + ExposedTransferCycles(s.WeightBytes);
        if (level < (int)SpatialLevel.PeRows)
        {
            s.MinTiles = 1;
            s.TileTransferCycles = TransferCostCycles(s.WeightBytes, 0);
        }

        var link = s.WeightLinkCycles;
        var fullLink = link;
        if (level == (int)SpatialLevel.PeRows)
        {
            PeBounds(ref s);
        }

        if (level >= (int)SpatialLevel.PeRows)
        {
            busy += s.StreamedExposedCycles;
            link = s.PeLinkCycles;
            fullLink = s.PeHaloLinkCycles;
            // Output-channel lane groups still to come: cores and lanes may split K further, ways never.
            var kUnits = level switch
            {
                (int)SpatialLevel.PeRows => (long)s.Space.Size(SpatialLevel.Cores) * s.Space.Size(SpatialLevel.Lanes),
                (int)SpatialLevel.Cores => s.Space.Size(SpatialLevel.Lanes),
                _ => 1,
            };
            busy = Math.Max(busy, CeilDiv((s.PeInputBytes * CeilDiv(Residual(ref s, K), kUnits)) + s.PePartialSumBytes, technology.Memory.PeMemoryBytesPerCycle));
        }

        if (level == (int)SpatialLevel.Cores)
        {
            CoreBounds(ref s);
        }

        if (level >= (int)SpatialLevel.Cores)
        {
            // Weights that do not stay in parameter staging are re-read per pixel group: output rows are final
            // at the core level, output columns once the lanes are set.
            var coreReads = s.CoreWeights;
            if (s.CoreWeights * 2 > s.Config.ParameterMemoryBytes)
            {
                var columnUnits = level == (int)SpatialLevel.Cores ? s.Space.Size(SpatialLevel.Lanes) : 1;
                coreReads *= Residual(ref s, P) * CeilDiv(Residual(ref s, Q), columnUnits);
            }

            busy = Math.Max(busy, CeilDiv(coreReads, technology.Memory.CoreMemoryBytesPerCycle));
            fullLink = Math.Max(fullLink, s.CoreLinkCycles);
        }

        // The fill and drain are exposed around the busy steps (see Evaluate): the weights' read, and the
        // activations' read and write once they are known to stream.
        // At least MinTiles tiles (the activation bands and weight tiles known so far), each with its issue,
        // pipeline fill and per-transfer costs.
        busy += s.MinTiles * s.TileCycles;
        link += (s.MinTiles - 1) * s.TileTransferCycles;
        fullLink += (s.MinTiles - 1) * s.TileTransferCycles;
        var monotone = (long)Math.Floor(Math.Max(busy, link)) + s.FixedCycles;
        return (monotone, Math.Max(monotone, (long)Math.Floor(fullLink) + s.FixedCycles));
    }

    /// <summary>The link and PE-memory bounds the PE factors imply (see <see cref="Bound"/>), mirroring <see cref="Evaluate"/>.</summary>
    private void PeBounds(ref Search s)
    {
        var shape = s.Space.Shape;
        var t = technology;
        s.PerPe = s.Residual;
        var perG = Residual(ref s, G);
        var perK = Residual(ref s, K);
        var perP = Residual(ref s, P);
        var perQ = Residual(ref s, Q);
        long bytesA = t.BytesPerActivation;
        var operands = shape.Op == LayerOp.Elementwise ? 2L : 1L;
        var kernelRows = ((long)(shape.KernelHeight - 1) * shape.DilationHeight) + 1;
        var kernelCols = ((long)(shape.KernelWidth - 1) * shape.DilationWidth) + 1;
        var bandKernelRows = shape.HasWeights ? kernelRows : 1;
        var bandTaps = shape.HasWeights ? shape.KernelHeight : 1;
        long InRows(long rows) => Math.Min(Math.Min(((rows - 1) * shape.StrideHeight) + bandKernelRows, rows * bandTaps), shape.InputHeight);
        var inCols = Math.Min(((perQ - 1) * shape.StrideWidth) + kernelCols, shape.InputWidth);
        // Input channels are never split across PEs: the PE's window holds all of them.
        var inputBytesPerRow = perG * s.Extent[C] * inCols * bytesA * operands;
        var outputBytesPerRow = perG * perK * perQ * s.OutputBytesLowerBound;
        var residentBytes = (InRows(perP) * inputBytesPerRow) + (perP * outputBytesPerRow);
        s.PeInputBytes = InRows(perP) * inputBytesPerRow;
        s.PePartialSumBytes = s.MinimumChunks > 1 ? perG * perK * perP * perQ * t.BytesPerPartialSum * 2 * (s.MinimumChunks - 1) : 0;
        s.PeLinkCycles = s.WeightLinkCycles;
        s.PeHaloLinkCycles = s.WeightLinkCycles;
        s.Streamed = residentBytes > s.Config.PeMemoryBytes;
        s.StreamedExposedCycles = 0;
        s.MinTiles = 1;
        s.TileTransferCycles = TransferCostCycles(s.WeightBytes, 0);
        if (!s.Streamed)
        {
            s.InputDramBytes = 0;
            return;
        }

        // Streamed: the input is read at least once and the output written once, each with its latency; bands
        // are at least those of the narrowest output, and each band boundary re-reads the kernel's halo rows.
        var perRow = (shape.StrideHeight * inputBytesPerRow) + outputBytesPerRow;
        var fixedPart = (bandKernelRows - shape.StrideHeight) * inputBytesPerRow;
        var bandRows = Math.Clamp(((s.Config.PeMemoryBytes / 2) - fixedPart) / perRow, 1, perP);
        var bands = CeilDiv(perP, bandRows);
        var halo = bands > 1 ? (double)(bands - 1) * Math.Max(0, kernelRows - shape.StrideHeight) / Math.Max(1, InRows(perP)) : 0;
        var inputBytes = shape.InputElements * bytesA;
        s.InputDramBytes = (long)Math.Ceiling(inputBytes * (1 + halo));
        s.Bands = bands;
        s.MinTiles = RoundUpToPowerOfTwo(bands);
        s.TileTransferCycles = TransferCostCycles(s.WeightBytes + inputBytes, shape.OutputElements * bytesA);
        s.PeLinkCycles = StreamedLinkCycles(ref s, s.WeightBytes + inputBytes);
        s.PeHaloLinkCycles = StreamedLinkCycles(ref s, s.WeightBytes + s.InputDramBytes);
        s.StreamedExposedCycles = ExposedTransferCycles(s.WeightBytes + inputBytes) - ExposedTransferCycles(s.WeightBytes) + ExposedTransferCycles(shape.OutputElements * bytesA);
    }

    /// <summary>Once the core factors are set: the core memory's weight reads, and the weight tiles' effect on the link.</summary>
    private void CoreBounds(ref Search s)
    {
        var shape = s.Space.Shape;
        var coreWeights = shape.HasWeights ? Residual(ref s, G) * Residual(ref s, K) * Residual(ref s, C) * Residual(ref s, RS) * technology.BytesPerWeight : 0;
        s.CoreWeights = coreWeights;
        s.PerCore = s.Residual;
        s.CoreLinkCycles = 0;
        var weightTiles = s.WeightsResident || coreWeights <= s.Config.CoreMemoryBytes ? 1 : CeilDiv(coreWeights, Math.Max(1, s.Config.CoreMemoryBytes / 2));
        s.MinTiles = RoundUpToPowerOfTwo((s.Streamed ? s.Bands : 1) * weightTiles);
        if (s.Streamed && weightTiles > 1)
        {
            var bandsOuter = (s.WeightBytes * s.Bands) + s.InputDramBytes;
            var weightsOuter = s.WeightBytes + (s.InputDramBytes * weightTiles);
            s.CoreLinkCycles = StreamedLinkCycles(ref s, Math.Min(bandsOuter, weightsOuter));
        }
    }

    private double StreamedLinkCycles(ref Search s, long readBytes)
    {
        var write = s.Space.Shape.OutputElements * technology.BytesPerActivation;
        return ((readBytes + write) / technology.DramBytesPerCycle(s.Config.IoBandwidthGBps)) + ExposedTransferCycles(readBytes) + ExposedTransferCycles(write);
    }

    /// <summary>The per-transfer cost of one tile's DMA: one transfer per direction that moves bytes.</summary>
    private long TransferCostCycles(long readBytes, long writeBytes) =>
        ((readBytes > 0 ? 1 : 0) + (writeBytes > 0 ? 1 : 0)) * (long)technology.Memory.DmaTransferCycles;

    /// <summary>What a DMA direction that moves any bytes pays at least once, exposed: its latency and one transfer's fixed cost (CycleModel).</summary>
    private long ExposedTransferCycles(long bytes) => bytes > 0 ? technology.Memory.DramLatencyCycles + technology.Memory.DmaTransferCycles : 0;

    private Dominance Complete(ref Search s)
    {
        var spatial = new SpatialMapping(
            (LoopDimension)s.Dimension[0], (LoopDimension)s.Dimension[1], (LoopDimension)s.Dimension[2], (LoopDimension)s.Dimension[3], (LoopDimension)s.Dimension[4])
        {
            Units = new SpatialUnits(s.Units[0], s.Units[1], s.Units[2], s.Units[3], s.Units[4]),
        };
        var outcome = Evaluate(s.Config, s.Layer, spatial, s.Extent, s.PerPe, s.PerCore, s.Residual, s.WeightsResident, s.BestCycles);
        if (outcome.Mapped is { } mapped)
        {
            s.Best = mapped;
        }
        else if (outcome.Failure is { } failure && (s.Nearest is null || failure.Ratio < s.Nearest.Value.Ratio))
        {
            s.Nearest = failure;
        }

        return outcome.Dominates;
    }

    private readonly record struct Failure(InfeasibilityLevel Level, double Needed, double Available, string Unit, string What)
    {
        public double Ratio => Needed / Available;
    }

    /// <param name="Mapped">The mapping, when it beats the best so far.</param>
    /// <param name="Failure">The capacity check it failed, if any.</param>
    /// <param name="Dominates">Which smaller factors (same everything else) this mapping dominates.</param>
    private readonly record struct Outcome(MappedLayer? Mapped, Failure? Failure, Dominance Dominates = Dominance.None);

    /// <summary>Smaller factors a mapping dominates: they cost at least as much or fail as it does.</summary>
    [Flags]
    private enum Dominance
    {
        None = 0,

        /// <summary>The mapping fits every staging level with the whole channel reduction in one chunk: fewer
        /// lanes or MAC ways only compute longer.</summary>
        SmallerLanesAndWays = 1,

        /// <summary>The mapping keeps its activations resident in PE memory, or fails where a larger per-PE
        /// share fails too: fewer PEs only enlarge every per-PE and per-core share. (A streamed layer re-reads
        /// halo rows per band, which fewer PEs can reduce.)</summary>
        SmallerPeFactors = 2,

        All = SmallerLanesAndWays | SmallerPeFactors,
    }

    // perPe, perCore: per dimension, the PE's and the core's share (kept by the walk); steps: the trips of the
    // busiest lane, the share of one unit of the innermost level.
    private Outcome Evaluate(AcceleratorConfig config, Layer layer, SpatialMapping spatial, ReadOnlySpan<long> extent,
        ReadOnlySpan<long> perPe, ReadOnlySpan<long> perCore, ReadOnlySpan<long> steps, bool weightsResident, long bestCycles)
    {
        var shape = layer.Shape;
        var t = technology;
        Span<long> peFactor = stackalloc long[Dims];      // PE columns x PE rows per dimension
        Span<long> arrayFactor = stackalloc long[Dims];   // ... x cores
        Span<long> innerFactor = stackalloc long[Dims];   // lanes x ways inside a core
        peFactor.Fill(1);
        innerFactor.Fill(1);
        var units = spatial.Units;
        peFactor[(int)spatial.PeColumns] *= units.PeColumns;
        peFactor[(int)spatial.PeRows] *= units.PeRows;
        peFactor.CopyTo(arrayFactor);
        arrayFactor[(int)spatial.Cores] *= units.Cores;
        innerFactor[(int)spatial.Lanes] *= units.Lanes;
        innerFactor[(int)spatial.MacWays] *= units.MacWays;

        long computeSteps = 1;
        var variantDims = 0;
        for (var d = 0; d < Dims; d++)
        {
            computeSteps *= steps[d];
            var spatialTotal = arrayFactor[d] * innerFactor[d];
            if (spatialTotal > 1 && steps[d] * spatialTotal != extent[d])
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
        var dominates = (chunks == 1 ? Dominance.SmallerLanesAndWays : Dominance.None) | (streamed ? Dominance.None : Dominance.SmallerPeFactors);
        if (streamed)
        {
            var minBand = 2 * ((InRows(1) * inputBytesPerRow) + outputBytesPerRow);
            if (minBand > config.PeMemoryBytes)
            {
                return Fail(InfeasibilityLevel.PeMemory, minBand, config.PeMemoryBytes, "B", "smallest activation band (double-buffered)") with { Dominates = dominates | Dominance.SmallerPeFactors };
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

        // Uneven edges are either peeled into code variants of their own (2^k for k peeled dimensions, capped)
        // or predicated: one variant masks the idle units of the edge, the mask being a field of the loop's
        // header. Both run the edge at the busiest core's pace, so they differ only in program size; the
        // compiler takes the smaller program (ties: predicated).
        var p = t.Program;
        var loops = 1 + CountAbove1(requiredTiles, chunks, steps[G], steps[K], steps[P], steps[Q]);
        // Kernel taps of a weighted layer are unrolled in every variant: each tap has its own address offset
        // pattern. Pooling windows reduce in a loop.
        var taps = shape.HasWeights ? CeilDiv(extent[RS], innerFactor[RS]) : 1;
        long Entries(long unroll, int peeled)
        {
            var variants = Math.Min(p.MaxVariants, 1L << Math.Min(peeled, 20));
            return p.PrologueInstructions + (loops * p.LoopInstructions) + (variants * (p.VariantBodyInstructions + taps + (2 * unroll)));
        }

        var peeledDims = Entries(1, variantDims) < Entries(1, 0) ? variantDims : 0;
        var codeVariants = Math.Min(p.MaxVariants, 1L << Math.Min(peeledDims, 20));
        if (Entries(1, peeledDims) > config.InstructionMemoryEntries)
        {
            return Fail(InfeasibilityLevel.InstructionMemory, Entries(1, peeledDims), config.InstructionMemoryEntries, "entries",
                $"smallest program ({codeVariants} code variants, {loops} loops)") with
            { Dominates = dominates };
        }

        // Unroll as many passes as the instruction memory holds (entries grow linearly with the unroll).
        var spareEntries = config.InstructionMemoryEntries - Entries(1, peeledDims);
        var unrollFactor = Math.Min(passes, 1 + (spareEntries / (2 * codeVariants)));

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
        // The PE memory multicasts to its cores: one read serves every core whose window holds the word, so it
        // streams the PE's input window (halo rows once) per output-channel lane group, and the PE's partial
        // sums, whatever the number of cores and however they split the work. Idle cores read nothing, and a
        // core more never adds PE-memory traffic.
        var inColsPe = Math.Min(((perPe[Q] - 1) * shape.StrideWidth) + kernelCols, shape.InputWidth);
        var peInputBytes = perPe[G] * perPe[C] * InRows(perPe[P]) * inColsPe * bytesA * operands * steps[K];
        var psumBytes = chunks > 1 ? perPe[G] * perPe[K] * perPe[P] * perPe[Q] * t.BytesPerPartialSum * 2 * (chunks - 1) : 0;
        var peMemoryCycles = CeilDiv(peInputBytes + psumBytes, t.Memory.PeMemoryBytesPerCycle);
        var coreReadBytes = coreWeights * 2 <= config.ParameterMemoryBytes ? coreWeights : coreWeights * steps[P] * steps[Q];
        var coreMemoryCycles = CeilDiv(coreReadBytes, t.Memory.CoreMemoryBytesPerCycle);
        var onChipCycles = Math.Max(peMemoryCycles, coreMemoryCycles);

        var bytesPerCycle = t.DramBytesPerCycle(config.IoBandwidthGBps);
        // What every tile count pays at least (CycleModel): each tile's issue and pipeline fill on top of the
        // busiest core's work, or the link streaming every byte plus the exposed fill and drain latencies;
        // and the layer setup and loop overheads.
        var o = t.Overheads;
        var latency = t.Memory.DramLatencyCycles;
        // The first tile's read (the fill) and the last one's write-back (the drain) are exposed around the
        // busy steps, each at least one DMA transfer with its latency; every transfer costs its per-transfer time.
        // Each of the (at least requiredTiles) tiles pays its issue and pipeline fill and one DMA transfer per
        // direction.
        var exposed = ExposedTransferCycles(readBytes) + ExposedTransferCycles(writeBytes);
        var busyBound = Math.Max(computeSteps, onChipCycles) + (requiredTiles * (o.TileIssueCycles + o.PipelineDepthCycles)) + exposed;
        var linkBound = ((readBytes + writeBytes) / bytesPerCycle) + exposed + ((requiredTiles - 1) * TransferCostCycles(readBytes, writeBytes));
        var passBound = CeilDiv(passes, unrollFactor) * o.PassIssueCycles;
        var lowerBound = (long)Math.Floor(Math.Max(busyBound, linkBound)) + o.LayerSetupCycles + passBound;
        if (lowerBound >= bestCycles)
        {
            return new Outcome(null, null, dominates); // valid, but cannot beat the best mapping found so far
        }

        // DMA tile counts: every power of two from what capacity requires up to a cap that depends on the
        // layer alone (not on how fast this mapping computes), so that more memory or units only add candidates. Cost is unimodal in the tile count (overlap gains fall as 1/n, issue
        // overheads grow as n), so the walk stops once it has risen twice in a row.
        LayerSchedule? bestSchedule = null;
        LayerTiming bestTiming = default;
        long previous = long.MaxValue;
        var rises = 0;
        var maxTiles = Math.Max(requiredTiles, Math.Min(shape.Macs, Mapspace.MaxTiles));
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
            return new Outcome(null, null, dominates);
        }

        // Only the winner of this spatial mapping is materialized: the mapspace is walked allocation-free.
        var temporal = new TemporalMapping((int)chunk, bands, weightTiles, chosen.Tiles, unrollFactor, Entries(unrollFactor, peeledDims), variantDims - peeledDims, peeledDims);
        var best = new MappedLayer(layer.Name, shape, layer.Repeat, spatial, temporal, chosen, bestTiming);
        return new Outcome(best, null, dominates);
    }

    // A failure before the activation band is known: a staging level too small, which fewer PEs cannot fix.
    private static Outcome Fail(InfeasibilityLevel level, double needed, double available, string unit, string what) =>
        new(null, new Failure(level, needed, available, unit, what), Dominance.SmallerPeFactors);

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
