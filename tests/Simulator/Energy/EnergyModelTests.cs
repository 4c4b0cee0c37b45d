using Apollo.Simulator.Energy;
using Apollo.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Apollo.Simulator.Tests.Energy;

public sealed class EnergyModelTests
{
    private readonly EnergyModel _model = new(ReferenceLayers.Technology);

    [Fact]
    public void Sram_energy_per_byte_grows_as_the_square_root_of_capacity()
    {
        // edge-7nm: e_ref = 0.30 pJ/B at C_ref = 8,192 B, α = 0.5: 32 KiB → 0.30·√4 = 0.60; 512 KiB → 0.30·√64 = 2.40.
        Assert.Equal(0.30, _model.SramPjPerByte(0.30, 8192), 12);
        Assert.Equal(0.60, _model.SramPjPerByte(0.30, 32768), 12);
        Assert.Equal(2.40, _model.SramPjPerByte(0.30, 524288), 12);
    }

    [Fact]
    public void Each_action_is_priced_once_at_its_own_rate()
    {
        // Baseline sizes: PE memory 512 KiB (×8 of the 8 KiB reference → √64 = 8), core memory 32 KiB (×2),
        // parameter staging 16 KiB (×√2), activation staging 8 KiB (×1), instruction memory 4,096 × 4 B = 16 KiB (×√2).
        var counts = new ActionCounts(1e6, new(1000, 100), new(1000, 0), new(1000, 0), new(0, 1000), new(100, 0), 1000, 100);
        var e = _model.Estimate(counts, ReferenceLayers.Baseline, areaMm2: 5, seconds: 1e-3);
        Pj(1e6 * 0.2, e.MacJoules);                                        // 0.2 pJ per MAC
        Pj((1000 * 0.30 * 8) + (100 * 0.36 * 8), e.PeMemoryJoules);
        Pj(1000 * 0.30 * 2, e.CoreMemoryJoules);
        Pj((1000 * 0.40 * Math.Sqrt(2)) + (1000 * 0.48), e.StagingJoules);
        Pj(100 * 0.30 * Math.Sqrt(2), e.InstructionMemoryJoules);
        Pj(1000 * 8 * 4.5, e.DramJoules);                                  // 4.5 pJ/bit
        Pj(100 * 0.3, e.NocJoules);                                        // 0.3 pJ per byte-hop
        Pj(0.02 * 5 * 1e-3 * 1e12, e.LeakageJoules);                       // 20 mW/mm² × 5 mm² × 1 ms
        Pj((e.DynamicJoules + e.LeakageJoules) * 1e12, e.TotalJoules);
    }

    private static void Pj(double expectedPj, double joules) => Assert.Equal(expectedPj, joules * 1e12, 1e-9 * Math.Max(1, Math.Abs(expectedPj)));

    private static Gen<ActionCounts> Counts { get; } =
        from macs in Gen.Choose(0, 1_000_000_000)
        from pe in Traffic
        from core in Traffic
        from parameter in Traffic
        from activation in Traffic
        from instruction in Traffic
        from dram in Gen.Choose(0, 100_000_000)
        from noc in Gen.Choose(0, 100_000_000)
        select new ActionCounts(macs, pe, core, parameter, activation, instruction, dram, noc);

    private static Gen<MemoryTraffic> Traffic { get; } =
        from read in Gen.Choose(0, 100_000_000)
        from write in Gen.Choose(0, 100_000_000)
        select new MemoryTraffic(read, write);

    private static Gen<(double Area, double Seconds)> Die { get; } =
        from area in Gen.Choose(1, 100_000)
        from micros in Gen.Choose(0, 1_000_000)
        select (area / 1000.0, micros * 1e-6);

    [Property(MaxTest = 300)]
    public Property Energy_is_non_decreasing_in_macs_and_in_dram_bytes() =>
        Prop.ForAll(Counts.ToArbitrary(), DesignGenerators.Config.ToArbitrary(), Die.Zip(Gen.Choose(0, 1_000_000)).ToArbitrary(), (counts, config, dieAndMore) =>
        {
            var (die, more) = dieAndMore;
            var e = _model.Estimate(counts, config, die.Area, die.Seconds).TotalJoules;
            var moreMacs = _model.Estimate(counts with { Macs = counts.Macs + more }, config, die.Area, die.Seconds).TotalJoules;
            var moreDram = _model.Estimate(counts with { DramBytes = counts.DramBytes + more }, config, die.Area, die.Seconds).TotalJoules;
            return moreMacs >= e && moreDram >= e && (more == 0 || (moreMacs > e && moreDram > e));
        });

    [Property(MaxTest = 300)]
    public Property Leakage_grows_with_area_times_latency() =>
        Prop.ForAll(Die.ToArbitrary(), Gen.Choose(1, 1000).ToArbitrary(), Gen.Choose(1, 1000).ToArbitrary(), (die, areaGrowth, timeGrowth) =>
        {
            var leakage = _model.Leakage(die.Area, die.Seconds);
            var bigger = _model.Leakage(die.Area * (1 + (areaGrowth / 100.0)), die.Seconds);
            var longer = _model.Leakage(die.Area, die.Seconds * (1 + (timeGrowth / 100.0)));
            // Proportional to area × time: the same product gives the same leakage.
            var same = _model.Leakage(die.Area * 2, die.Seconds / 2);
            return bigger >= leakage && longer >= leakage && Math.Abs(same - leakage) <= 1e-12 * Math.Max(1, leakage)
                && (die.Seconds == 0 || (bigger > leakage && longer > leakage));
        });

    [Property(MaxTest = 300)]
    public Property Energy_is_at_least_the_macs_times_the_mac_energy() =>
        Prop.ForAll(Counts.ToArbitrary(), DesignGenerators.Config.ToArbitrary(), Die.ToArbitrary(), (counts, config, die) =>
        {
            var e = _model.Estimate(counts, config, die.Area, die.Seconds);
            return double.IsFinite(e.TotalJoules) && e.TotalJoules >= counts.Macs * ReferenceLayers.Technology.Energy.MacPj * 1e-12
                && e.LeakageJoules >= 0 && e.DynamicJoules >= 0;
        });

    [Property(MaxTest = 300)]
    public Property Sram_energy_per_byte_is_non_decreasing_in_capacity() =>
        Prop.ForAll(Gen.Choose(1, 1 << 30).ToArbitrary(), Gen.Choose(0, 1 << 20).ToArbitrary(), (capacity, more) =>
            _model.SramPjPerByte(0.3, (double)capacity + more) >= _model.SramPjPerByte(0.3, capacity));
}
