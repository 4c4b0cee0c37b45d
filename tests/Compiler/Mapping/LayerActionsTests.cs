using Apollo.Compiler.Mapping;
using Apollo.Simulator.Area;
using Apollo.Simulator.Energy;
using Apollo.Testing;

namespace Apollo.Compiler.Tests.Mapping;

public sealed class LayerActionsTests
{
    [Fact]
    public void Golden_classifier_on_the_baseline_counts_every_action_and_prices_it()
    {
        // The MobileNetV2 classifier (1280 -> 1000, batch 1) on the baseline, mapped as in
        // MappingCompilerTests.Golden_classifier_on_the_baseline_is_bound_by_weight_streaming: K on PE columns,
        // PE rows, cores and lanes, C on the 4 ways; chunk 512 (3 chunks), 4 DMA tiles (model 2's DMA bursts make
        // fewer, longer transfers cheaper), 33,994 cycles.
        // Factors on K: PEs 16 -> 63 channels per PE; x 4 cores = 64 -> 16 per core; lanes 64 -> 1 step (16 lanes busy).
        // C: 1,280 per core, 320 steps of 4 ways. 64 cores in all.
        //
        // MACs 1000 x 1280 = 1,280,000.
        // Parameter staging reads: one weight byte per MAC (lanes on K share no weight) = 1,280,000 B.
        // Activation staging reads: one byte per MAC, broadcast to the 16 busy lanes on K = 80,000 B.
        // Core memory: the core's share 16 x 1,280 = 20,480 B; twice that exceeds the 16 KiB parameter staging, so it
        //   re-streams per pixel group (1 here): reads 64 x 20,480 = 1,310,720 B = parameter staging writes;
        //   weights streamed, so the same 1,310,720 B are written into the core memories.
        // Input window per core: 1,280 channels x 1 row x 1 column = 1,280 B (one K step); cores on K share one
        //   broadcast read: PE memory reads 16 PEs x 1,280 = 20,480 B; activation staging writes 64 x 1,280 = 81,920 B.
        // Partial sums: 3 chunks -> 2 round trips of 16 accumulators x 4 B = 128 B each way per core, x 64 = 8,192 B.
        // PE memory: reads 20,480 + 8,192 + 0 write-back = 28,672 B; writes 1,000 outputs + 8,192 = 9,192 B.
        // DRAM: 1,280,000 B of weights read, nothing written.
        // NoC: each PE receives its 63 x 1,280 = 80,640 B of weights, x 16 = 1,290,240 B, over 1 + (3 + 3) / 2 = 4 hops
        //   on average = 5,160,960 byte-hops.
        // Instruction memory: fetches per core = 24 prologue + 4 tiles x 20 + 1 loop iteration x 4 + 3 passes x 2 = 114
        //   entries x 4 B x 64 cores = 29,184 B; the 59-entry program (24 + 2 loops x 4 + 1 variant x (20 + 1 tap
        //   + 2 x 3 unrolled); the uneven edge of K, 1000 over 64 cores, is predicated rather than peeled into a
        //   second variant) is written into 64 cores: 59 x 4 x 64 = 15,104 B.
        var config = ReferenceLayers.Baseline;
        var technology = ReferenceLayers.Technology;
        var mapped = Assert.IsType<MappedLayer>(new MappingCompiler(technology).Compile(config, ReferenceLayers.Classifier).Mapped);
        Assert.Equal(59, mapped.Temporal.ProgramEntries);

        var counts = LayerActions.Count(mapped, config, technology, weightsStreamed: true);
        Assert.Equal(1_280_000, counts.Macs);
        Assert.Equal(new MemoryTraffic(1_280_000, 1_310_720), counts.ParameterStaging);
        Assert.Equal(new MemoryTraffic(80_000, 81_920), counts.ActivationStaging);
        Assert.Equal(new MemoryTraffic(1_310_720, 1_310_720), counts.CoreMemory);
        Assert.Equal(new MemoryTraffic(28_672, 9_192), counts.PeMemory);
        Assert.Equal(new MemoryTraffic(29_184, 15_104), counts.InstructionMemory);
        Assert.Equal(1_280_000, counts.DramBytes);
        Assert.Equal(5_160_960, counts.NocByteHops);

        // Prices (edge-7nm): per-byte SRAM energy e_ref x (C / 8 KiB)^0.5: PE memory 512 KiB x8 (2.4 / 2.88 pJ),
        // core memory 32 KiB x2 (0.6 / 0.72), parameter staging 16 KiB x√2 (0.566 / 0.679), activation staging
        // 8 KiB x1 (0.40 / 0.48), instruction memory 16 KiB x√2 (0.424 / 0.509).
        //   MAC      1,280,000 x 0.2                                   =    256,000 pJ
        //   PE mem   28,672 x 2.4 + 9,192 x 2.88                       =     95,286 pJ
        //   core mem 1,310,720 x (0.6 + 0.72)                          =  1,730,150 pJ
        //   staging  1,280,000 x 0.566 + 1,310,720 x 0.679 + 80,000 x 0.40 + 81,920 x 0.48 = 1,685,146 pJ
        //   instr    29,184 x 0.424 + 15,104 x 0.509                   =     20,072 pJ
        //   DRAM     1,280,000 B x 8 bit x 4.5 pJ                      = 46,080,000 pJ
        //   NoC      5,160,960 x 0.3                                   =  1,548,288 pJ
        //   leakage  0.02 W/mm² x 6.438 mm² x 33,994 cycles / 0.5 GHz  = ≈8.75 µJ
        // Total ≈ 60.17 µJ, three quarters of it DRAM: the layer is bandwidth-bound and its weights are used once.
        var area = new AreaModel(technology).Estimate(config).TotalMm2;
        var seconds = mapped.Timing.TotalCycles / 0.5e9;
        var e = new EnergyModel(technology).Estimate(counts, config, area, seconds);
        var r2 = Math.Sqrt(2);
        Pj(256_000, e.MacJoules);
        Pj((28_672 * 2.4) + (9_192 * 2.88), e.PeMemoryJoules);
        Pj(1_310_720 * (0.6 + 0.72), e.CoreMemoryJoules);
        Pj((1_280_000 * 0.40 * r2) + (1_310_720 * 0.48 * r2) + (80_000 * 0.40) + (81_920 * 0.48), e.StagingJoules);
        Pj((29_184 * 0.30 * r2) + (15_104 * 0.36 * r2), e.InstructionMemoryJoules);
        Pj(46_080_000, e.DramJoules);
        Pj(1_548_288, e.NocJoules);
        Assert.Equal(6.438, area, 3);
        Assert.Equal(0.02 * area * 33_994 / 0.5e9, e.LeakageJoules, 12);
        Assert.InRange(e.TotalJoules * 1e6, 60.1, 60.2);
    }

    [Fact]
    public void Pinned_weights_stream_nothing_into_the_core_memories()
    {
        // With the network's weights resident the classifier reads no DRAM and writes no core memory; the
        // on-chip traffic from core memory to the lanes is the same.
        var config = ReferenceLayers.Baseline;
        var technology = ReferenceLayers.Technology;
        var compiler = new MappingCompiler(technology);
        var resident = Assert.IsType<MappedLayer>(compiler.Compile(config, ReferenceLayers.Classifier, weightsResident: true).Mapped);
        var counts = LayerActions.Count(resident, config, technology, weightsStreamed: false);
        Assert.Equal(0, counts.DramBytes);
        Assert.Equal(0, counts.CoreMemory.WriteBytes);
        Assert.Equal(0, counts.NocByteHops);
        Assert.Equal(1_310_720, counts.CoreMemory.ReadBytes);
    }

    private static void Pj(double expectedPj, double joules) => Assert.Equal(expectedPj, joules * 1e12, 1e-6 * Math.Max(1, Math.Abs(expectedPj)));
}
