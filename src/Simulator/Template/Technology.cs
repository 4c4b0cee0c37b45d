using Apollo.Configuration;

namespace Apollo.Simulator.Template;

/// <summary>Per-component area constants, in mm² (see configs/technology/*.yaml for the rationale of each).</summary>
public sealed record AreaConstants(
    double MacMm2,
    double PeMemoryMm2PerMib,
    double CoreMemoryMm2PerMib,
    double StagingMemoryMm2PerMib,
    double InstructionMemoryMm2PerMib,
    double MacroOverheadMm2,
    double PeControlMm2,
    double CoreControlMm2,
    double NocMm2PerPe,
    double IoPhyBaseMm2,
    double IoPhyMm2PerGbps,
    double ChipOverheadMm2);

/// <summary>On-chip bandwidths and the DRAM latency, per cycle.</summary>
public sealed record MemoryConstants(
    int PeMemoryBytesPerCycle,
    int CoreMemoryBytesPerCycle,
    int DramLatencyCycles,
    double ResidentWeightFraction);

/// <summary>Fixed costs the cycle model charges on top of compute and data movement.</summary>
public sealed record OverheadConstants(
    int TileIssueCycles,
    int PassIssueCycles,
    int PipelineDepthCycles,
    int LayerSetupCycles);

/// <summary>How the compiler sizes a layer program (in instruction-memory entries).</summary>
public sealed record ProgramConstants(
    int PrologueInstructions,
    int LoopInstructions,
    int VariantBodyInstructions,
    int MaxVariants);

/// <summary>Technology and fixed template constants: everything about the chip that is not a search parameter.</summary>
public sealed record Technology(
    string Name,
    double ClockGhz,
    int MacWays,
    int BytesPerActivation,
    int BytesPerWeight,
    int BytesPerPartialSum,
    int InstructionBytes,
    AreaConstants Area,
    MemoryConstants Memory,
    OverheadConstants Overheads,
    ProgramConstants Program)
{
    /// <summary>DRAM bytes per clock cycle for a link of <paramref name="gigabytesPerSecond"/>.</summary>
    public double DramBytesPerCycle(double gigabytesPerSecond) => gigabytesPerSecond / ClockGhz;

    /// <summary>Loads a technology file; every field is required so that no constant hides in code.</summary>
    public static Technology Load(string path)
    {
        var root = YamlNode.LoadFile(path);
        root.RejectUnknownKeys("name", "description", "clock_ghz", "mac_ways", "bytes_per_activation", "bytes_per_weight",
            "bytes_per_partial_sum", "instruction_bytes", "area", "memory", "overheads", "program");
        var area = root.Get("area");
        area.RejectUnknownKeys("mac_mm2", "pe_memory_mm2_per_mib", "core_memory_mm2_per_mib", "staging_memory_mm2_per_mib",
            "instruction_memory_mm2_per_mib", "macro_overhead_mm2", "pe_control_mm2", "core_control_mm2", "noc_mm2_per_pe",
            "io_phy_base_mm2", "io_phy_mm2_per_gbps", "chip_overhead_mm2");
        var memory = root.Get("memory");
        memory.RejectUnknownKeys("pe_memory_bytes_per_cycle", "core_memory_bytes_per_cycle", "dram_latency_cycles", "resident_weight_fraction");
        var overheads = root.Get("overheads");
        overheads.RejectUnknownKeys("tile_issue_cycles", "pass_issue_cycles", "pipeline_depth_cycles", "layer_setup_cycles");
        var program = root.Get("program");
        program.RejectUnknownKeys("prologue_instructions", "loop_instructions", "variant_body_instructions", "max_variants");

        return new Technology(
            root.GetString("name"),
            Positive(root.Get("clock_ghz")),
            root.Get("mac_ways").AsInt(1),
            root.Get("bytes_per_activation").AsInt(1),
            root.Get("bytes_per_weight").AsInt(1),
            root.Get("bytes_per_partial_sum").AsInt(1),
            root.Get("instruction_bytes").AsInt(1),
            new AreaConstants(
                Positive(area.Get("mac_mm2")),
                Positive(area.Get("pe_memory_mm2_per_mib")),
                Positive(area.Get("core_memory_mm2_per_mib")),
                Positive(area.Get("staging_memory_mm2_per_mib")),
                Positive(area.Get("instruction_memory_mm2_per_mib")),
                NonNegative(area.Get("macro_overhead_mm2")),
                NonNegative(area.Get("pe_control_mm2")),
                NonNegative(area.Get("core_control_mm2")),
                NonNegative(area.Get("noc_mm2_per_pe")),
                NonNegative(area.Get("io_phy_base_mm2")),
                NonNegative(area.Get("io_phy_mm2_per_gbps")),
                NonNegative(area.Get("chip_overhead_mm2"))),
            new MemoryConstants(
                memory.Get("pe_memory_bytes_per_cycle").AsInt(1),
                memory.Get("core_memory_bytes_per_cycle").AsInt(1),
                memory.Get("dram_latency_cycles").AsInt(0),
                Fraction(memory.Get("resident_weight_fraction"))),
            new OverheadConstants(
                overheads.Get("tile_issue_cycles").AsInt(0),
                overheads.Get("pass_issue_cycles").AsInt(0),
                overheads.Get("pipeline_depth_cycles").AsInt(0),
                overheads.Get("layer_setup_cycles").AsInt(0)),
            new ProgramConstants(
                program.Get("prologue_instructions").AsInt(0),
                program.Get("loop_instructions").AsInt(0),
                program.Get("variant_body_instructions").AsInt(1),
                program.Get("max_variants").AsInt(1)));
    }

    private static double Positive(YamlNode node)
    {
        var v = node.AsDouble();
        return v > 0 ? v : throw node.Error($"must be a positive number, got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    private static double Fraction(YamlNode node)
    {
        var v = node.AsDouble();
        return v is >= 0 and <= 1 ? v : throw node.Error($"must be between 0 and 1, got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    private static double NonNegative(YamlNode node)
    {
        var v = node.AsDouble();
        return v >= 0 ? v : throw node.Error($"must be zero or positive, got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }
}
