using Apollo.Compiler.Workloads;
using Apollo.Simulator.Template;

namespace Apollo.Compiler.Mapping;

/// <summary>The spatial levels of the template, outermost first.</summary>
public enum SpatialLevel
{
    PeColumns,
    PeRows,
    Cores,
    Lanes,
    MacWays,
}

/// <summary>
/// The legal mappings of one layer on one design point, apart from the search over them (<see cref="MappingCompiler"/>)
/// and from their cost (<c>CycleModel</c>), in the spirit of Timeloop's mapspace and constraints
/// (Parashar et al., ISPASS 2019, §IV; https://github.com/NVlabs/timeloop, <c>src/mapspaces</c>).
/// </summary>
/// <remarks>
/// <para><b>Spatial</b>: each level partitions one loop dimension from its allowed list by a factor — how many of
/// its units it uses — from 1 up to its size. A dimension may be split over several levels; each level then
/// partitions what the outer levels left (the residual extent, rounded up). Of the factors that leave the same
/// per-unit extent only the smallest is listed (more units with the same work each are never cheaper), so a
/// level of size n over a residual extent E offers the Pareto factors ⌈E/⌈E/f⌉⌉ for f ≤ min(n, E), largest
/// first: at most min(n, 2√E) of them. A factor of 1 leaves the level idle whatever its dimension, so it is
/// listed once, under the level's first dimension.</para>
/// <para><b>Completeness</b>: a level of size n+1 lists every factor a level of size n lists, and nothing in the
/// cost of a mapping depends on units it leaves idle, so a bigger design can always run a smaller one's mapping.</para>
/// <para><b>Temporal</b>: the channel chunk, weight tiles and activation bands are the largest that fit (decided by
/// the compiler from capacity), and the DMA tile counts are every power of two from what capacity requires up to
/// <see cref="MaxTiles"/>, so more memory only adds candidates.</para>
/// </remarks>
public readonly struct Mapspace
{
    /// <summary>Upper bound on DMA tiles per layer: beyond it, issue overheads dominate any overlap gain.</summary>
    public const long MaxTiles = 1L << 16;

    // Which dimensions each spatial level may partition (activations are never split over input channels
    // across PEs or cores: that would need a cross-core reduction the template does not have).
    private static readonly LoopDimension[] PeColumnDims = [LoopDimension.OutputChannels, LoopDimension.OutputColumns, LoopDimension.Groups];
    private static readonly LoopDimension[] PeRowDims = [LoopDimension.OutputRows, LoopDimension.OutputChannels, LoopDimension.Groups];
    private static readonly LoopDimension[] CoreDims = [LoopDimension.OutputChannels, LoopDimension.OutputRows, LoopDimension.Groups];
    private static readonly LoopDimension[] LaneDims = [LoopDimension.OutputChannels, LoopDimension.OutputColumns, LoopDimension.Groups];
    private static readonly LoopDimension[] WayDims = [LoopDimension.InputChannels, LoopDimension.KernelWindow];

    private readonly int _peX;
    private readonly int _peY;
    private readonly int _cores;
    private readonly int _lanes;
    private readonly int _ways;

    public Mapspace(AcceleratorConfig config, LayerShape shape, int macWays)
    {
        _peX = config.PeX;
        _peY = config.PeY;
        _cores = config.Cores;
        _lanes = config.Lanes;
        _ways = macWays;
        Shape = shape;
    }

    public LayerShape Shape { get; }

    /// <summary>Units of <paramref name="level"/> the design has.</summary>
    public int Size(SpatialLevel level) => level switch
    {
        SpatialLevel.PeColumns => _peX,
        SpatialLevel.PeRows => _peY,
        SpatialLevel.Cores => _cores,
        SpatialLevel.Lanes => _lanes,
        _ => _ways,
    };

    /// <summary>The dimensions <paramref name="level"/> may partition, in enumeration order.</summary>
    public static ReadOnlySpan<LoopDimension> Dimensions(SpatialLevel level) => level switch
    {
        SpatialLevel.PeColumns => PeColumnDims,
        SpatialLevel.PeRows => PeRowDims,
        SpatialLevel.Cores => CoreDims,
        SpatialLevel.Lanes => LaneDims,
        _ => WayDims,
    };

    /// <summary>Extent of a loop dimension of the layer (R and S fused into the kernel window).</summary>
    public long Extent(LoopDimension dimension) => dimension switch
    {
        LoopDimension.Groups => Shape.Groups,
        LoopDimension.OutputChannels => Shape.OutputChannels,
        LoopDimension.InputChannels => Shape.InputChannels,
        LoopDimension.OutputRows => Shape.OutputHeight,
        LoopDimension.OutputColumns => Shape.OutputWidth,
        _ => (long)Shape.KernelHeight * Shape.KernelWidth,
    };

    /// <summary>
    /// The Pareto factors of a level of <paramref name="size"/> units over a residual extent of
    /// <paramref name="extent"/>, largest first, generated as they are read (the mapping search stops early):
    /// for each per-unit share ⌈E/f⌉ the fewest units that leave it, ending with the idle factor 1.
    /// </summary>
    public static ParetoFactors Factors(long extent, int size) => new(extent, Math.Min(size, extent));

    /// <summary>The sequence of <see cref="Factors"/>; a struct enumerator, so the search allocates nothing.</summary>
    public struct ParetoFactors(long extent, long largest)
    {
        private long _next = largest;

        public long Current { get; private set; }

        public readonly ParetoFactors GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_next < 1)
            {
                return false;
            }

            var perUnit = (extent + _next - 1) / _next;
            Current = (extent + perUnit - 1) / perUnit; // fewest units that leave the same work each
            _next = Current - 1;
            return true;
        }
    }
}
