using Apollo.Compiler.Workloads;
using Apollo.Simulator.Template;

namespace Apollo.Compiler.Evaluation;

/// <summary>
/// Which layers of a network keep their weights pinned in core memory between inferences (partial
/// parameter caching, as the Edge TPU compiler does), and the core memory left to the layers that stream.
/// </summary>
/// <param name="Pinned">Per layer, in workload order: its weights stay on chip and stream no bytes per inference.</param>
/// <param name="PinnedWeightBytes">Weight bytes pinned on chip (each layer once).</param>
/// <param name="StreamedWeightBytes">Weight bytes the unpinned layers read from DRAM per inference, at least once per
/// execution (Σ weights × repeat); the mapper may re-read tiles on top of this.</param>
/// <param name="StreamingCoreMemoryBytes">Per core: the core memory a streaming layer compiles against.</param>
/// <remarks>
/// <para>The rule (docs/model.md §5). If every layer's weights fit in all core memories together, all are
/// pinned. Otherwise each core keeps <see cref="MemoryConstants.WeightStreamBufferBytes"/> (or all of its
/// memory, if smaller) as the DMA double buffer of the streaming layers, and the rest of every core memory,
/// cores × max(0, core_memory − reserve) bytes, holds the longest prefix that fits of the layers ordered by
/// DRAM bytes saved per byte pinned (= the layer's repeat count, since a streamed layer reads its weights
/// once per execution), highest first, then smaller layers first, then workload order. The first layer that
/// does not fit ends the prefix: later layers stream even if one of them would fit (as the Edge TPU compiler
/// caches parameters in order until its SRAM is full and streams the rest). PE memory is not used: it holds
/// the activations, whose residency the mapper decides per layer, and its port already feeds the input
/// windows.</para>
/// <para>Why it is monotone. The reserve depends on core memory only and never shrinks as it grows, so
/// streaming layers never lose working memory to pinning. The capacity grows with core memory and the
/// number of cores, never with anything else, and a prefix of a fixed order only grows with capacity: a
/// layer pinned on a design stays pinned on every larger one, so no layer streams on a bigger design that
/// was pinned on a smaller one (a greedy that skips a layer and tries the next cannot promise that: the
/// skipped layer may fit later and push out smaller ones behind it). The bytes saved never fall, and once
/// the next layer of the order fits in the spare capacity the streamed bytes fall strictly. Property-tested
/// in tests/Compiler/Evaluation/WeightCachePlanTests.cs.</para>
/// </remarks>
public sealed record WeightCachePlan(
    IReadOnlyList<bool> Pinned,
    long PinnedWeightBytes,
    long StreamedWeightBytes,
    long StreamingCoreMemoryBytes)
{
    /// <summary>Every weighted layer is pinned (or the network has no weights).</summary>
    public bool AllPinned => StreamedWeightBytes == 0;

    /// <summary>Plans the weight cache of <paramref name="workload"/> on <paramref name="config"/>.</summary>
    public static WeightCachePlan For(Workload workload, AcceleratorConfig config, Technology technology)
    {
        var layers = workload.Layers;
        var bytes = new long[layers.Count];
        long total = 0;
        for (var i = 0; i < layers.Count; i++)
        {
            bytes[i] = layers[i].Shape.WeightElements * technology.BytesPerWeight;
            total += bytes[i];
        }

        var pinned = new bool[layers.Count];
        var reserve = Math.Min(config.CoreMemoryBytes, technology.Memory.WeightStreamBufferBytes);
        var onChip = (long)config.TotalCores * config.CoreMemoryBytes;
        if (total <= onChip)
        {
            for (var i = 0; i < layers.Count; i++)
            {
                pinned[i] = bytes[i] > 0;
            }

            return new WeightCachePlan(pinned, total, 0, reserve);
        }

        var left = (long)config.TotalCores * (config.CoreMemoryBytes - reserve);
        var order = Enumerable.Range(0, layers.Count)
            .Where(i => bytes[i] > 0)
            .OrderByDescending(i => layers[i].Repeat)
            .ThenBy(i => bytes[i])
            .ThenBy(i => i);
        long pinnedBytes = 0;
        long streamed = 0;
        var full = false; // the first layer that does not fit ends the prefix
        foreach (var i in order)
        {
            full |= bytes[i] > left;
            if (!full)
            {
                pinned[i] = true;
                left -= bytes[i];
                pinnedBytes += bytes[i];
            }
            else
            {
                streamed += bytes[i] * layers[i].Repeat;
            }
        }

        return new WeightCachePlan(pinned, pinnedBytes, streamed, reserve);
    }
}
