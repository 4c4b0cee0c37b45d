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
public sealed record ActionCounts(
    double Macs,
    MemoryTraffic PeMemory,
    MemoryTraffic CoreMemory,
    MemoryTraffic ParameterStaging,
    MemoryTraffic ActivationStaging,
    MemoryTraffic InstructionMemory,
    double DramBytes,
    double NocByteHops)
{
    public static ActionCounts Zero { get; } = new(0, default, default, default, default, default, 0, 0);

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
/// The energy model (DESIGN §5), in the style of Accelergy (Wu, Emer, Sze, "Accelergy: an architecture-level
/// energy estimation methodology for accelerator designs", ICCAD 2019): energy = Σ action count × energy per
/// action, plus leakage power × area × time. Per-action energies come from the technology file; an SRAM byte
/// costs e(C) = e_ref · (C / C_ref)^α for a macro of C bytes, so larger memories cost more per access (as
/// CACTI-derived tables and Horowitz's ISSCC 2014 figures show). The model knows nothing of mappings or
/// optimizers: it prices counts that the compiler derives. Pure and thread-safe.
/// </summary>
public sealed class EnergyModel(Technology technology)
{
    private const double PicoJoule = 1e-12;

    /// <summary>Energy per byte, in pJ, of a macro of <paramref name="capacityBytes"/> whose energy is <paramref name="referencePj"/> at the reference capacity.</summary>
    public double SramPjPerByte(double referencePj, double capacityBytes)
    {
        var e = technology.Energy;
        return referencePj * Math.Pow(Math.Max(capacityBytes, 1) / e.SramReferenceBytes, e.SramCapacityExponent);
    }

    /// <summary>Energy of <paramref name="counts"/> on <paramref name="config"/> (whose memory sizes set the per-byte SRAM energies), with leakage over <paramref name="seconds"/> of a die of <paramref name="areaMm2"/>.</summary>
    public EnergyBreakdown Estimate(ActionCounts counts, AcceleratorConfig config, double areaMm2, double seconds)
    {
        var e = technology.Energy;
        double Sram(MemoryTraffic traffic, SramEnergy energy, double capacity) =>
            ((traffic.ReadBytes * SramPjPerByte(energy.ReadPjPerByte, capacity)) + (traffic.WriteBytes * SramPjPerByte(energy.WritePjPerByte, capacity))) * PicoJoule;

        var staging = Sram(counts.ParameterStaging, e.Staging, config.ParameterMemoryBytes) + Sram(counts.ActivationStaging, e.Staging, config.ActivationMemoryBytes);
        return new EnergyBreakdown(
            counts.Macs * e.MacPj * PicoJoule,
            Sram(counts.PeMemory, e.PeMemory, config.PeMemoryBytes),
            Sram(counts.CoreMemory, e.CoreMemory, config.CoreMemoryBytes),
            staging,
            Sram(counts.InstructionMemory, e.InstructionMemory, (double)config.InstructionMemoryEntries * technology.InstructionBytes),
            counts.DramBytes * 8 * e.DramPjPerBit * PicoJoule,
            counts.NocByteHops * e.NocPjPerByteHop * PicoJoule,
            Leakage(areaMm2, seconds));
    }

    /// <summary>Leakage energy of a die of <paramref name="areaMm2"/> powered for <paramref name="seconds"/>: W/mm² × mm² × s.</summary>
    public double Leakage(double areaMm2, double seconds) => technology.Energy.LeakageWattsPerMm2 * areaMm2 * seconds;
}
