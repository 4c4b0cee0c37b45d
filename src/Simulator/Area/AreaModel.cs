using Apollo.Simulator.Template;

namespace Apollo.Simulator.Area;

/// <summary>One line of the area breakdown.</summary>
public sealed record AreaComponent(string Name, double Mm2);

/// <summary>Chip area as a sum of components (DESIGN §2). Every component is non-decreasing in every parameter.</summary>
public sealed record AreaBreakdown(IReadOnlyList<AreaComponent> Components)
{
    public double TotalMm2 { get; } = Components.Sum(c => c.Mm2);
}

/// <summary>
/// The analytic area model: MAC arrays, SRAM per memory kind (area per byte plus a per-macro overhead),
/// per-PE and per-core control, the NoC, the DRAM PHY that grows with bandwidth, and a fixed chip overhead.
/// </summary>
public sealed class AreaModel(Technology technology)
{
    private const double BytesPerMib = 1024.0 * 1024.0;

    public AreaBreakdown Estimate(AcceleratorConfig config)
    {
        var a = technology.Area;
        var pes = (double)config.PeCount;
        var cores = (double)config.TotalCores;
        double Sram(double instances, double bytes, double mm2PerMib) => instances * ((bytes / BytesPerMib * mm2PerMib) + a.MacroOverheadMm2);

        return new AreaBreakdown(
        [
            new("mac_arrays", cores * config.Lanes * technology.MacWays * a.MacMm2),
            new("pe_memory", Sram(pes, config.PeMemoryBytes, a.PeMemoryMm2PerMib)),
            new("core_memory", Sram(cores, config.CoreMemoryBytes, a.CoreMemoryMm2PerMib)),
            new("parameter_memory", Sram(cores, config.ParameterMemoryBytes, a.StagingMemoryMm2PerMib)),
            new("activation_memory", Sram(cores, config.ActivationMemoryBytes, a.StagingMemoryMm2PerMib)),
            new("instruction_memory", Sram(cores, (double)config.InstructionMemoryEntries * technology.InstructionBytes, a.InstructionMemoryMm2PerMib)),
            new("pe_control", pes * a.PeControlMm2),
            new("core_control", cores * a.CoreControlMm2),
            new("noc", pes * a.NocMm2PerPe),
            new("io_phy", a.IoPhyBaseMm2 + (config.IoBandwidthGBps * a.IoPhyMm2PerGbps)),
            new("chip_overhead", a.ChipOverheadMm2),
        ]);
    }
}
