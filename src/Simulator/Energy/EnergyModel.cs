using Apollo.Simulator.Template;

namespace Apollo.Simulator.Energy;

/// <summary>Bytes read from and written to one kind of on-chip memory, summed over all its instances.</summary>
public readonly record struct MemoryTraffic(double ReadBytes, double WriteBytes)
{
    public static MemoryTraffic operator +(MemoryTraffic a, MemoryTraffic b) => new(a.ReadBytes + b.ReadBytes, a.WriteBytes + b.WriteBytes);

    public static MemoryTraffic operator *(MemoryTraffic a, double times) => new(a.ReadBytes * times, a.WriteBytes * times);
}

/// <summary>
/// Action counts of one layer execution (or of a whole inference, when summed): MACs, bytes moved at each
/// memory level, DRAM bytes, and byte-hops on the NoC. Counts are doubles because repeats and averages
/// need not be whole; every count is non-negative.
/// </summary>
public readonly record struct ActionCounts(
    double Macs,
    MemoryTraffic PeMemory,
    MemoryTraffic CoreMemory,
    MemoryTraffic ParameterStaging,
    MemoryTraffic ActivationStaging,
    MemoryTraffic InstructionMemory,
    double DramBytes,
    double NocByteHops)
{
    public static ActionCounts operator +(ActionCounts a, ActionCounts b) => new(
        a.Macs + b.Macs, a.PeMemory + b.PeMemory, a.CoreMemory + b.CoreMemory, a.ParameterStaging + b.ParameterStaging,
        a.ActivationStaging + b.ActivationStaging, a.InstructionMemory + b.InstructionMemory, a.DramBytes + b.DramBytes, a.NocByteHops + b.NocByteHops);

    public static ActionCounts operator *(ActionCounts a, double times) => new(
        a.Macs * times, a.PeMemory * times, a.CoreMemory * times, a.ParameterStaging * times,
        a.ActivationStaging * times, a.InstructionMemory * times, a.DramBytes * times, a.NocByteHops * times);
}

/// <summary>Energy of a set of actions, in joules, one term per action class; <see cref="TotalJoules"/> adds leakage.</summary>
public sealed record EnergyBreakdown(
    double MacJoules,
    double PeMemoryJoules,
    double CoreMemoryJoules,
    double StagingJoules,
    double InstructionMemoryJoules,
    double DramJoules,
    double NocJoules,
    double LeakageJoules)
{
    public double DynamicJoules => MacJoules + PeMemoryJoules + CoreMemoryJoules + StagingJoules + InstructionMemoryJoules + DramJoules + NocJoules;

    public double TotalJoules => DynamicJoules + LeakageJoules;
}

/// <summary>
/// Energy per action at one design point's memory sizes, in pJ (per MAC, per SRAM byte read/written, per DRAM
/// byte, per NoC byte-hop). Computed once per design point so that pricing a layer is a few multiply-adds.
/// </summary>
public sealed record EnergyPrices(
    double MacPj,
    SramEnergy PeMemory,
    SramEnergy CoreMemory,
    SramEnergy ParameterStaging,
    SramEnergy ActivationStaging,
    SramEnergy InstructionMemory,
    double DramPjPerByte,
    double NocPjPerByteHop)
{
    private const double PicoJoule = 1e-12;

    public double MacJoules(in ActionCounts c) => c.Macs * MacPj * PicoJoule;

    public double PeMemoryJoules(in ActionCounts c) => Sram(c.PeMemory, PeMemory);

    public double CoreMemoryJoules(in ActionCounts c) => Sram(c.CoreMemory, CoreMemory);

    public double StagingJoules(in ActionCounts c) => Sram(c.ParameterStaging, ParameterStaging) + Sram(c.ActivationStaging, ActivationStaging);

    public double InstructionMemoryJoules(in ActionCounts c) => Sram(c.InstructionMemory, InstructionMemory);

    public double DramJoules(in ActionCounts c) => c.DramBytes * DramPjPerByte * PicoJoule;

    public double NocJoules(in ActionCounts c) => c.NocByteHops * NocPjPerByteHop * PicoJoule;

    /// <summary>Dynamic energy of <paramref name="c"/> in joules: the sum of the action classes of <see cref="EnergyBreakdown"/>.</summary>
    public double DynamicJoules(in ActionCounts c) =>
        MacJoules(c) + PeMemoryJoules(c) + CoreMemoryJoules(c) + StagingJoules(c) + InstructionMemoryJoules(c) + DramJoules(c) + NocJoules(c);

    private static double Sram(MemoryTraffic traffic, SramEnergy energy) =>
        ((traffic.ReadBytes * energy.ReadPjPerByte) + (traffic.WriteBytes * energy.WritePjPerByte)) * PicoJoule;
}

/// <summary>
/// The energy model (DESIGN §5), in the style of Accelergy (Wu, Emer, Sze, "Accelergy: an architecture-level
/// energy estimation methodology for accelerator designs", ICCAD 2019): energy = Σ action count × energy per
/// action, plus leakage power × area × time. Per-action energies come from the technology file; an SRAM byte
/// costs e(C) = e_ref · (C / C_ref)^α for a macro of C bytes, so larger memories cost more per access (as
/// CACTI-derived tables and Horowitz's ISSCC 2014 figures show). The model knows nothing of mappings or
/// optimizers: it prices counts that the compiler derives. Pure and thread-safe.
/// </summary>
public sealed class EnergyModel(Technology technology)
{
    /// <summary>Energy per byte, in pJ, of a macro of <paramref name="capacityBytes"/> whose energy is <paramref name="referencePj"/> at the reference capacity.</summary>
    public double SramPjPerByte(double referencePj, double capacityBytes)
    {
        var e = technology.Energy;
        return referencePj * Math.Pow(Math.Max(capacityBytes, 1) / e.SramReferenceBytes, e.SramCapacityExponent);
    }

    /// <summary>The prices of every action at the memory sizes of <paramref name="config"/>.</summary>
    public EnergyPrices Prices(AcceleratorConfig config)
    {
        var e = technology.Energy;
        SramEnergy At(SramEnergy reference, double capacity) =>
            new(SramPjPerByte(reference.ReadPjPerByte, capacity), SramPjPerByte(reference.WritePjPerByte, capacity));

        return new EnergyPrices(
            e.MacPj,
            At(e.PeMemory, config.PeMemoryBytes),
            At(e.CoreMemory, config.CoreMemoryBytes),
            At(e.Staging, config.ParameterMemoryBytes),
            At(e.Staging, config.ActivationMemoryBytes),
            At(e.InstructionMemory, (double)config.InstructionMemoryEntries * technology.InstructionBytes),
            8 * e.DramPjPerBit,
            e.NocPjPerByteHop);
    }

    /// <summary>Energy of <paramref name="counts"/> on <paramref name="config"/> (whose memory sizes set the per-byte SRAM energies), with leakage over <paramref name="seconds"/> of a die of <paramref name="areaMm2"/>.</summary>
    public EnergyBreakdown Estimate(in ActionCounts counts, AcceleratorConfig config, double areaMm2, double seconds) =>
        Estimate(counts, Prices(config), areaMm2, seconds);

    /// <summary>Energy of <paramref name="counts"/> at <paramref name="prices"/>, with leakage over <paramref name="seconds"/> of a die of <paramref name="areaMm2"/>.</summary>
    public EnergyBreakdown Estimate(in ActionCounts counts, EnergyPrices prices, double areaMm2, double seconds) => new(
        prices.MacJoules(counts),
        prices.PeMemoryJoules(counts),
        prices.CoreMemoryJoules(counts),
        prices.StagingJoules(counts),
        prices.InstructionMemoryJoules(counts),
        prices.DramJoules(counts),
        prices.NocJoules(counts),
        Leakage(areaMm2, seconds));

    /// <summary>Leakage energy of a die of <paramref name="areaMm2"/> powered for <paramref name="seconds"/>: W/mm² × mm² × s.</summary>
    public double Leakage(double areaMm2, double seconds) => technology.Energy.LeakageWattsPerMm2 * areaMm2 * seconds;
}
