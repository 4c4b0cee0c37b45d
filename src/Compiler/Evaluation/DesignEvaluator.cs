using Apollo.Compiler.Mapping;
using Apollo.Compiler.Workloads;
using Apollo.Simulator.Area;
using Apollo.Simulator.Energy;
using Apollo.Simulator.Template;

namespace Apollo.Compiler.Evaluation;

/// <summary>Performance of one workload on one design point (batch 1).</summary>
/// <param name="Workload">The network.</param>
/// <param name="WeightsResident">Every weighted layer's weights stay pinned on chip (per layer: <see cref="MappedLayer.WeightsResident"/>).</param>
/// <param name="Cycles">Σ layer cycles × repeat plus <paramref name="FixedCycles"/>.</param>
/// <param name="LatencySeconds">Cycles at the clock.</param>
/// <param name="ThroughputPerSecond">1 / latency (batch 1).</param>
/// <param name="DramBytes">Bytes over the DRAM/host link per inference: the layers' traffic plus the network's input and output.</param>
/// <param name="Utilization">MACs over cycles × peak.</param>
/// <param name="Layers">The mapped layers in order.</param>
/// <param name="Energy">Energy per inference: the network's breakdown by action class and each layer's share.</param>
/// <param name="FixedCycles">Per inference, outside the layers: invocation overhead, network input in and output out.</param>
/// <param name="PinnedWeightBytes">Weight bytes pinned on chip between inferences.</param>
public sealed record WorkloadPerformance(
    string Workload,
    bool WeightsResident,
    long Cycles,
    double LatencySeconds,
    double ThroughputPerSecond,
    long DramBytes,
    double Utilization,
    IReadOnlyList<MappedLayer> Layers,
    WorkloadEnergy Energy,
    long FixedCycles = 0,
    long PinnedWeightBytes = 0)
{
    /// <summary>Energy per inference, in joules (dynamic energy of every layer plus leakage over the latency).</summary>
    public double EnergyJoules => Energy.Breakdown.TotalJoules;

    /// <summary>Average power over one inference, in watts: energy / latency.</summary>
    public double PowerWatts => EnergyJoules / LatencySeconds;
}

/// <summary>
/// Energy of one inference of a workload: the network's breakdown by action class (leakage over the whole
/// latency) and, parallel to <see cref="WorkloadPerformance.Layers"/>, the energy of one run of each layer
/// (like the layer's cycles: a repeated layer costs repeat times this), leakage over its own cycles included.
/// </summary>
public sealed record WorkloadEnergy(EnergyBreakdown Breakdown, IReadOnlyList<double> LayerJoules);

/// <summary>The verdict on a design point: area, per-workload performance, or why it cannot be built.</summary>
public sealed record DesignEvaluation(
    AcceleratorConfig Config,
    AreaBreakdown Area,
    IReadOnlyList<WorkloadPerformance> Workloads,
    InfeasibleReason? Infeasible)
{
    public bool IsFeasible => Infeasible is null;
}

/// <summary>
/// The evaluation pipeline for one design point, cheapest stage first: the area budget (no compile
/// needed), then the mapping compiler on every layer of every workload (stopping at the first layer
/// with no valid mapping), then the cycle model through the chosen mappings. Before compiling a network,
/// <see cref="WeightCachePlan"/> decides which layers keep their weights pinned on chip; streaming layers
/// compile against the core memory the plan leaves them. Each inference also pays fixed costs: the
/// invocation overhead and the network's input and output over the link. Layers with the same shape
/// are compiled once per design point. Thread-safe: evaluations share only immutable state.
/// </summary>
public sealed class DesignEvaluator
{
    private readonly Technology _technology;
    private readonly AreaModel _area;
    private readonly MappingCompiler _compiler;
    private readonly EnergyModel _energy;

    public DesignEvaluator(Technology technology, IReadOnlyList<Workload> workloads)
    {
        if (workloads.Count == 0)
        {
            throw new ArgumentException("at least one workload is needed", nameof(workloads));
        }

        _technology = technology;
        _area = new AreaModel(technology);
        _compiler = new MappingCompiler(technology);
        _energy = new EnergyModel(technology);
        Workloads = workloads;
    }

    public IReadOnlyList<Workload> Workloads { get; }

    public Technology Technology => _technology;

    /// <summary>Evaluates <paramref name="config"/>; <paramref name="areaBudgetMm2"/> null means no budget.</summary>
    public DesignEvaluation Evaluate(AcceleratorConfig config, double? areaBudgetMm2)
    {
        var area = _area.Estimate(config);
        if (areaBudgetMm2 is { } budget && area.TotalMm2 > budget)
        {
            return new DesignEvaluation(config, area, [], new InfeasibleReason(
                InfeasibilityStage.Area, InfeasibilityLevel.AreaBudget, null, null, area.TotalMm2, budget, "mm²"));
        }

        var compiled = new Dictionary<(LayerShape, bool), LayerCompilation>();
        var results = new List<WorkloadPerformance>(Workloads.Count);
        var prices = _energy.Prices(config);
        foreach (var workload in Workloads)
        {
            var plan = WeightCachePlan.For(workload, config, _technology);
            // A streaming layer gets the reserve of core memory; the rest holds pinned weights.
            var streamingConfig = config with { CoreMemoryBytes = plan.StreamingCoreMemoryBytes };
            var layers = new List<MappedLayer>(workload.Layers.Count);
            long cycles = 0;
            long dram = 0;
            double busyMacs = 0;
            for (var i = 0; i < workload.Layers.Count; i++)
            {
                var layer = workload.Layers[i];
                var resident = plan.Pinned[i];
                if (!compiled.TryGetValue((layer.Shape, resident), out var compilation))
                {
                    compilation = _compiler.Compile(resident ? config : streamingConfig, layer, workload.Name, resident);
                    compiled[(layer.Shape, resident)] = compilation;
                }

                if (compilation.Mapped is not { } mapped)
                {
                    // The cache may hold the reason under another layer of the same shape: name this one.
                    var reason = compilation.Infeasible! with { Workload = workload.Name, Layer = layer.Name };
                    return new DesignEvaluation(config, area, results, reason);
                }

                var named = mapped.Name == layer.Name && mapped.Repeat == layer.Repeat && mapped.WeightsResident == resident
                    ? mapped
                    : mapped with { Name = layer.Name, Repeat = layer.Repeat, WeightsResident = resident && layer.Shape.HasWeights };
                layers.Add(named);
                cycles += named.Timing.TotalCycles * layer.Repeat;
                dram += named.Timing.DramBytes * layer.Repeat;
                busyMacs += (double)layer.Shape.Macs * layer.Repeat;
            }

            var (fixedCycles, ioBytes) = FixedCosts(workload, config);
            cycles += fixedCycles;
            dram += ioBytes;
            var seconds = cycles / (_technology.ClockGhz * 1e9);
            var utilization = busyMacs / ((double)cycles * config.PeakMacsPerCycle(_technology));
            results.Add(new WorkloadPerformance(workload.Name, plan.AllPinned, cycles, seconds, 1.0 / seconds, dram, utilization, layers,
                Energy(prices, area.TotalMm2, layers, seconds, dram, config), fixedCycles, plan.PinnedWeightBytes));
        }

        return new DesignEvaluation(config, area, results, null);
    }

    /// <summary>The design's area in mm², the a-priori check <see cref="Evaluate"/> makes before compiling anything.</summary>
    public double AreaMm2(AcceleratorConfig config) => _area.Estimate(config).TotalMm2;

    /// <summary>
    /// Costs of one inference outside its layers: the invocation overhead, and the network's input (what
    /// the first layer reads over all its executions) and output (what the last layer writes) crossing the
    /// link, each one exposed DMA transfer with the DRAM latency. Returns (cycles, link bytes).
    /// </summary>
    public (long Cycles, long Bytes) FixedCosts(Workload workload, AcceleratorConfig config)
    {
        var first = workload.Layers[0];
        var last = workload.Layers[^1];
        var input = first.Shape.InputElements * first.Repeat * _technology.BytesPerActivation;
        var output = last.Shape.OutputElements * last.Repeat * _technology.BytesPerActivation;
        double Exposed(long bytes) => bytes == 0 ? 0 : _technology.Memory.DramLatencyCycles + _technology.LinkCycles(bytes, config.IoBandwidthGBps);
        var cycles = _technology.Overheads.InvocationCycles + (long)Math.Ceiling(Exposed(input) + Exposed(output) - 1e-9);
        return (cycles, input + output);
    }

    /// <summary>
    /// Prices every layer's action counts; leakage runs over each layer's time and, for the network, over the
    /// whole latency. DRAM bytes of the inference beyond its layers' (fixed costs such as the network's input
    /// and output crossing the link) are priced as link and NoC traffic.
    /// </summary>
    private WorkloadEnergy Energy(EnergyPrices prices, double areaMm2, IReadOnlyList<MappedLayer> layers, double seconds, long dramBytes, AcceleratorConfig config)
    {
        var total = default(ActionCounts);
        var perLayer = new double[layers.Count];
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var counts = LayerActions.Count(layer, config, _technology, weightsStreamed: !layer.WeightsResident);
            var runSeconds = layer.Timing.TotalCycles / (_technology.ClockGhz * 1e9);
            perLayer[i] = prices.DynamicJoules(counts) + _energy.Leakage(areaMm2, runSeconds);
            total += counts * layer.Repeat;
        }

        var fixedBytes = Math.Max(0, dramBytes - total.DramBytes);
        total += new ActionCounts(0, default, default, default, default, default, fixedBytes, fixedBytes * LayerActions.AverageHops(config));
        return new WorkloadEnergy(_energy.Estimate(total, prices, areaMm2, seconds), perLayer);
    }
}
