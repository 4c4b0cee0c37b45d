using Apollo.Simulator.Template;
using Apollo.Simulator.Timing;
using Apollo.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Apollo.Simulator.Tests.Timing;

public sealed class CycleModelTests
{
    private readonly CycleModel _model = new(ReferenceLayers.Technology);

    [Fact]
    public void Single_tile_pays_load_compute_and_write_back_in_series()
    {
        // Baseline: 20 GB/s at 0.5 GHz = 40 B/cycle, DRAM latency 200 cycles, 64 B bursts, 20 cycles per transfer.
        // load 40,000 B = 625 bursts = 1,000 cycles + 20 per transfer + 200 latency = 1,220;
        // busy = max(5,000 compute, 1,000 on-chip) + 40 issue + 12 fill = 5,052;
        // write 4,000 B = 62.5 -> 63 bursts = 4,032 B = 100.8 cycles + 20 + 200 = 320.8;
        // ceil(1,220 + 5,052 + 320.8 = 6,592.8) = 6,593; setup 1,500; passes 10 at 2 per issue -> 5 x 2 = 10.
        // total = 6,593 + 1,500 + 10 = 8,103 (model 1, without bursts and with a 300-cycle setup: 6,862).
        var tile = new TileWork(5_000, 1_000, 40_000, 4_000);
        var timing = _model.Simulate(new LayerSchedule(1_000_000, 1, tile, tile, 10, 2), ReferenceLayers.Baseline);
        Assert.Equal(8_103, timing.TotalCycles);
        Assert.Equal(5_000, timing.ComputeCycles);
        Assert.Equal(44_000, timing.DramBytes);
        Assert.Equal(40 + 12 + 1_500 + 10, timing.OverheadCycles);
        Assert.Equal(8_103 - 5_000 - 1_562, timing.MemoryStallCycles);
    }

    [Fact]
    public void Short_transfers_pay_for_whole_bursts_and_a_fixed_cost()
    {
        // A 72 B DMA tile occupies 2 bursts of 64 B = 128 B of link time: 128 / 40 B/cycle = 3.2 cycles,
        // plus 20 cycles per transfer = 23.2 cycles, 12.9x the 1.8 cycles of 72 B at the raw bandwidth.
        // A 64,000 B transfer (1,000 bursts exactly) costs 1,600 + 20 = 1,620 cycles: 1.25% above raw.
        var t = ReferenceLayers.Technology;
        Assert.Equal(23.2, t.LinkCycles(72, 20), 9);
        Assert.Equal(1_620, t.LinkCycles(64_000, 20), 9);
        Assert.Equal(0, t.LinkCycles(0, 20));
    }

    [Fact]
    public void Double_buffering_hides_loads_behind_compute()
    {
        // Four tiles of 2,000 compute cycles, each loading 40,000 B (625 bursts: 1,000 + 20 cycles, + 200 latency on the fill), no writes.
        // fill 1,220; steps: max(2,052, 1,020 streaming with latency hidden) x 3 (first, steady, before-last); last max(2,052, 0);
        // drain 0; setup 1,500; passes 4 at 1 per issue -> 8 cycles. total = 1,220 + 4 x 2,052 + 1,500 + 8 = 10,936.
        var tile = new TileWork(2_000, 0, 40_000, 0);
        var timing = _model.Simulate(new LayerSchedule(1, 4, tile, tile, 4, 1), ReferenceLayers.Baseline);
        Assert.Equal(10_936, timing.TotalCycles);
        var serial = _model.Simulate(new LayerSchedule(1, 1, tile with { ComputeCycles = 8_000, DramReadBytes = 160_000 }, tile with { ComputeCycles = 8_000, DramReadBytes = 160_000 }, 4, 1), ReferenceLayers.Baseline);
        Assert.True(timing.TotalCycles < serial.TotalCycles);
    }

    private static Gen<LayerSchedule> Schedules { get; } =
        from tiles in Gen.Choose(1, 40)
        from compute in Gen.Choose(0, 100_000)
        from onChip in Gen.Choose(0, 100_000)
        from read in Gen.Choose(0, 2_000_000)
        from write in Gen.Choose(0, 500_000)
        from lastFraction in Gen.Choose(1, 100)
        from passes in Gen.Choose(1, 10_000)
        from unroll in Gen.Elements(1, 2, 4, 64)
        let full = new TileWork(compute, onChip, read, write)
        let last = new TileWork(compute * lastFraction / 100, onChip * lastFraction / 100, read * lastFraction / 100, write * lastFraction / 100)
        select new LayerSchedule(((tiles - 1) * (long)compute) + (long)last.ComputeCycles + 1, tiles, full, last, passes, unroll);

    [Property(MaxTest = 500)]
    public Property Cycles_bound_compute_and_dram_traffic() =>
        Prop.ForAll(Schedules.ToArbitrary(), DesignGenerators.Config.ToArbitrary(), (schedule, config) =>
        {
            var t = _model.Simulate(schedule, config);
            var bytesPerCycle = ReferenceLayers.Technology.DramBytesPerCycle(config.IoBandwidthGBps);
            return t.TotalCycles >= t.ComputeCycles
                && t.TotalCycles >= t.DramBytes / bytesPerCycle
                && t.MemoryStallCycles >= 0
                && t.TotalCycles == t.ComputeCycles + t.MemoryStallCycles + t.OverheadCycles;
        });

    [Property(MaxTest = 300)]
    public Property More_bandwidth_is_never_slower() =>
        Prop.ForAll(Schedules.ToArbitrary(), DesignGenerators.Config.ToArbitrary(), (schedule, config) =>
        {
            var grown = DesignGenerators.Grow(config, TemplateParameters.IoBandwidth);
            return grown is null || _model.Simulate(schedule, grown).TotalCycles <= _model.Simulate(schedule, config).TotalCycles;
        });
}
