using Apollo.Compiler.Evaluation;
using Apollo.Compiler.Workloads;
using Apollo.Simulator.Template;
using Apollo.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Apollo.Compiler.Tests.Evaluation;

/// <summary>Partial weight caching (docs/model.md §5): which layers stay pinned, and that more memory never streams more.</summary>
public sealed class WeightCachePlanTests
{
    private static readonly Technology Tech = ReferenceLayers.Technology;

    private static readonly IReadOnlyList<Workload> Shipped =
        WorkloadCatalog.Load(RepositoryPaths.Config("workloads")).ResolveSet(WorkloadCatalog.AllSet);

    private static Layer Fc(string name, int k, int n, int repeat = 1) =>
        new(name, new LayerShape(LayerOp.Matmul, 1, k, n, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), repeat);

    private static Workload Network(params Layer[] layers) =>
        new("net", "speech", "", "net.yaml", layers, new PublishedFigures(1, 1, "", ""));

    [Fact]
    public void Golden_greedy_pins_the_most_repeated_then_the_smallest_layers()
    {
        // Baseline with 128 KiB core memories: 64 cores x 128 KiB = 8,388,608 B on chip. Weights (1 B each):
        // a 4,000,000, b 2,000,000, c 1,500,000 (repeat 10), d 1,000,000: 8,500,000 B do not all fit, so each
        // core keeps min(128 KiB, 64 KiB) = 65,536 B as the streaming buffer and pins in the other
        // 64 x 65,536 = 4,194,304 B. Order by DRAM bytes saved per byte pinned (the repeat), then size:
        // c (10 per byte) -> pinned, 2,694,304 B left; d (1, smallest) -> pinned, 1,694,304 left;
        // b (2,000,000) does not fit, a neither. Pinned 2,500,000 B; streamed per inference 2,000,000 + 4,000,000.
        var net = Network(Fc("a", 1000, 4000), Fc("b", 1000, 2000), Fc("c", 1000, 1500, repeat: 10), Fc("d", 1000, 1000));
        var plan = WeightCachePlan.For(net, ReferenceLayers.Baseline with { CoreMemoryBytes = 128 << 10 }, Tech);
        Assert.Equal([false, false, true, true], plan.Pinned);
        Assert.Equal(2_500_000, plan.PinnedWeightBytes);
        Assert.Equal(6_000_000, plan.StreamedWeightBytes);
        Assert.Equal(65_536, plan.StreamingCoreMemoryBytes);

        // At 32 KiB the whole core memory is the streaming buffer: nothing pinned, c streams 10 times.
        var small = WeightCachePlan.For(net, ReferenceLayers.Baseline, Tech);
        Assert.Equal(0, small.PinnedWeightBytes);
        Assert.Equal(4_000_000 + 2_000_000 + (10 * 1_500_000) + 1_000_000, small.StreamedWeightBytes);

        // At 256 KiB (64 x 256 KiB = 16 MiB) everything fits: all pinned, no streaming buffer needed.
        var large = WeightCachePlan.For(net, ReferenceLayers.Baseline with { CoreMemoryBytes = 256 << 10 }, Tech);
        Assert.True(large.AllPinned);
        Assert.Equal(8_500_000, large.PinnedWeightBytes);
    }

    [Fact]
    public void Resnet50_dram_bytes_fall_strictly_with_core_memory_once_a_layer_fits()
    {
        // Model 1 streamed all 25.5 MB of ResNet-50's weights at every core memory below the whole network.
        // Now, over the space's core-memory values on the baseline: up to 64 KiB the core memory is all
        // streaming buffer; from 128 KiB (64 x 64 KiB = 4 MiB pinnable) every step pins more, until 512 KiB
        // (32 MiB) holds all weights.
        var resnet = Shipped.Single(w => w.Name == "resnet50");
        var evaluator = new DesignEvaluator(Tech, [resnet]);
        var values = ReferenceLayers.Space.Parameters.First(p => p.Name == TemplateParameters.CoreMemory).Values;
        var rows = values.Select(v =>
        {
            var w = evaluator.Evaluate(ReferenceLayers.Baseline with { CoreMemoryBytes = (long)v }, null).Workloads[0];
            return (Memory: (long)v, w.DramBytes, w.PinnedWeightBytes, w.WeightsResident);
        }).ToList();
        var text = string.Join("; ", rows.Select(r => $"{r.Memory}: {r.DramBytes} B, {r.PinnedWeightBytes} pinned"));
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.True(rows[i].DramBytes <= rows[i - 1].DramBytes, text);
            if (rows[i].PinnedWeightBytes > rows[i - 1].PinnedWeightBytes)
            {
                Assert.True(rows[i].DramBytes < rows[i - 1].DramBytes, text);
            }
        }

        Assert.Equal(0, rows.Single(r => r.Memory == 65_536).PinnedWeightBytes);
        Assert.True(rows.Single(r => r.Memory == 131_072).PinnedWeightBytes > 0, text);
        Assert.True(rows.Single(r => r.Memory == 524_288).WeightsResident, text);
        var falling = rows.Where(r => r.Memory >= 65_536 && r.Memory <= 524_288).Select(r => r.DramBytes).ToList();
        Assert.True(falling.Zip(falling.Skip(1)).All(p => p.Second < p.First), text);
    }

    private static Gen<(AcceleratorConfig Config, int Workload, string Parameter)> Cases { get; } =
        from config in DesignGenerators.Config
        from workload in Gen.Choose(0, Shipped.Count - 1)
        from parameter in Gen.Elements(TemplateParameters.CoreMemory, TemplateParameters.PeMemory, TemplateParameters.ParameterMemory,
            TemplateParameters.ActivationMemory, TemplateParameters.InstructionMemory, TemplateParameters.Cores, TemplateParameters.PeX, TemplateParameters.PeY)
        select (config, workload, parameter);

    [Property(MaxTest = 2000)]
    public Property More_memory_or_cores_never_streams_more_weights_keeps_every_pinned_layer_and_the_next_fitting_layer_streams_less() =>
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var grown = DesignGenerators.Grow(c.Config, c.Parameter);
            if (grown is null)
            {
                return true.Label("top of the grid");
            }

            var workload = Shipped[c.Workload];
            var before = WeightCachePlan.For(workload, c.Config, Tech);
            var after = WeightCachePlan.For(workload, grown, Tech);
            var label = $"{workload.Name}, {c.Parameter}: streamed {before.StreamedWeightBytes} -> {after.StreamedWeightBytes}";
            if (after.StreamedWeightBytes > before.StreamedWeightBytes)
            {
                return false.Label(label);
            }

            // Spare pinning capacity of the grown design beyond what the smaller one pinned.
            var spare = after.AllPinned
                ? long.MaxValue
                : ((long)grown.TotalCores * (grown.CoreMemoryBytes - after.StreamingCoreMemoryBytes)) - before.PinnedWeightBytes;
            // The next layer of the plan's order (most repeated, then smallest, then first) that the smaller design streams.
            var next = workload.Layers.Select((l, i) => (Layer: l, Index: i))
                .Where(x => !before.Pinned[x.Index] && x.Layer.Shape.HasWeights)
                .OrderByDescending(x => x.Layer.Repeat).ThenBy(x => x.Layer.Shape.WeightElements).ThenBy(x => x.Index)
                .Select(x => x.Layer).FirstOrDefault();
            var oneMoreFits = next is not null && next.Shape.WeightElements * Tech.BytesPerWeight <= spare;
            if (oneMoreFits && after.StreamedWeightBytes >= before.StreamedWeightBytes)
            {
                return false.Label(label + " (the next layer fits)");
            }

            // Nested: every layer pinned on the smaller design stays pinned on the grown one.
            return before.Pinned.Select((p, i) => !p || after.Pinned[i]).All(k => k).Label(label + " (a pinned layer streams on the grown design)");
        });

    [Property(MaxTest = 150)]
    public Property Network_cycles_are_at_least_the_compute_and_link_bounds() =>
        Prop.ForAll(DesignGenerators.ModestConfig.ToArbitrary(), Gen.Choose(0, Shipped.Count - 1).ToArbitrary(), (config, index) =>
        {
            var workload = Shipped[index];
            if (workload.Name is "unet" or "rnnt_encoder" or "deeplabv3_mobilenet_v3_large")
            {
                return true.Label("too slow for a property");
            }

            var evaluation = new DesignEvaluator(Tech, [workload]).Evaluate(config, null);
            if (!evaluation.IsFeasible)
            {
                return true.Label("infeasible");
            }

            var w = evaluation.Workloads[0];
            var macs = workload.Layers.Sum(l => (double)l.Shape.Macs * l.Repeat);
            var bytesPerCycle = Tech.DramBytesPerCycle(config.IoBandwidthGBps);
            return (w.Cycles >= macs / config.PeakMacsPerCycle(Tech) && w.Cycles >= w.DramBytes / bytesPerCycle
                    && w.Cycles >= Tech.Overheads.InvocationCycles + workload.Layers.Sum(l => (long)Tech.Overheads.LayerSetupCycles * l.Repeat))
                .Label($"{workload.Name}: {w.Cycles} cycles, {w.DramBytes} B");
        });

    [Property(MaxTest = 150)]
    public Property More_core_memory_never_makes_a_network_slower() =>
        Prop.ForAll(DesignGenerators.ModestConfig.ToArbitrary(), Gen.Choose(0, Shipped.Count - 1).ToArbitrary(), (config, index) =>
        {
            // Pinning must never take working memory from a layer that streams: more core memory pins more
            // layers (faster) and leaves the streaming ones at least the reserve they had.
            var workload = Shipped[index];
            var grown = DesignGenerators.Grow(config, TemplateParameters.CoreMemory);
            if (grown is null || workload.Name is "unet" or "rnnt_encoder" or "deeplabv3_mobilenet_v3_large")
            {
                return true.Label("not applicable");
            }

            var evaluator = new DesignEvaluator(Tech, [workload]);
            var before = evaluator.Evaluate(config, null);
            if (!before.IsFeasible)
            {
                return true.Label("infeasible");
            }

            var after = evaluator.Evaluate(grown, null);
            return (after.IsFeasible && after.Workloads[0].Cycles <= before.Workloads[0].Cycles)
                .Label($"{workload.Name}: {before.Workloads[0].Cycles} -> {(after.IsFeasible ? after.Workloads[0].Cycles : -1)}");
        });

    [Fact]
    public void Golden_fixed_costs_of_an_inference()
    {
        // MobileNetV2 on the baseline (40 B/cycle, 64 B bursts, 20 cycles per transfer, 200 cycles latency):
        // input 224 x 224 x 3 = 150,528 B = 2,352 bursts exactly -> 3,763.2 + 20 + 200 = 3,983.2 cycles;
        // output (the classifier's 1,000 logits) 1,000 B -> 16 bursts = 1,024 B -> 25.6 + 20 + 200 = 245.6 cycles;
        // invocation 25,000 cycles (50 us). ceil(3,983.2 + 245.6) = 4,229 -> 29,229 cycles, 151,528 link bytes.
        var mobilenet = Shipped.Single(w => w.Name == "mobilenet_v2");
        var evaluator = new DesignEvaluator(Tech, [mobilenet]);
        Assert.Equal((29_229L, 151_528L), evaluator.FixedCosts(mobilenet, ReferenceLayers.Baseline));

        var w = evaluator.Evaluate(ReferenceLayers.Baseline, null).Workloads[0];
        Assert.Equal(29_229, w.FixedCycles);
        Assert.Equal(w.Layers.Sum(l => l.Timing.TotalCycles * l.Repeat) + 29_229, w.Cycles);
        Assert.Equal(w.Layers.Sum(l => l.Timing.DramBytes * l.Repeat) + 151_528, w.DramBytes);
    }

    [Fact]
    public void Golden_batched_lstm_input_projection_streams_its_weights_once()
    {
        // RNN-T enc1's input projection: 100 steps x 320 inputs -> 8,192 gates, one matmul (m = 100).
        // Its 320 x 8,192 = 2,621,440 B of weights cross the link once per inference instead of once per step
        // (model 1: the [x, h] gate matmul streamed 960 x 8,192 = 7,864,320 B at each of 100 steps, 786 MB).
        // At 40 B/cycle that is at least 65,536 cycles of link time for the whole sequence.
        var encoder = Shipped.Single(w => w.Name == "rnnt_encoder");
        var input = encoder.Layers.Single(l => l.Name == "enc1_input");
        Assert.Equal((100, 1), (input.Shape.OutputHeight, input.Repeat));
        var mapped = new Apollo.Compiler.Mapping.MappingCompiler(Tech).Compile(ReferenceLayers.Baseline, input).Mapped!;
        var activations = (input.Shape.InputElements + input.Shape.OutputElements) * Tech.BytesPerActivation;
        Assert.InRange(mapped.Timing.DramBytes, 2_621_440, 2_621_440 + activations);
        Assert.True(mapped.Timing.TotalCycles >= 65_536);
    }
}
