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

/// <summary>On-chip bandwidths, the DRAM link's latency and burst behaviour, and the weight-caching reserve.</summary>
/// <param name="PeMemoryBytesPerCycle">Read port of a PE memory.</param>
/// <param name="CoreMemoryBytesPerCycle">Core memory to parameter staging.</param>
/// <param name="DramLatencyCycles">Round trip of a DMA transfer that starts from an idle link.</param>
/// <param name="WeightStreamBufferBytes">Per core: the share of core memory never used to pin weights while
/// some layer still streams its weights (the DMA double buffer of the streamed weights).</param>
/// <param name="DmaBurstBytes">The link moves whole bursts: a transfer of b bytes occupies ceil(b / burst) bursts.</param>
/// <param name="DmaTransferCycles">Link time every DMA transfer pays on top of its bursts (descriptor, page open).</param>
public sealed record MemoryConstants(
    int PeMemoryBytesPerCycle,
    int CoreMemoryBytesPerCycle,
    int DramLatencyCycles,
    long WeightStreamBufferBytes,
    int DmaBurstBytes,
    int DmaTransferCycles);

/// <summary>Fixed costs the cycle model charges on top of compute and data movement.</summary>
public sealed record OverheadConstants(
    int TileIssueCycles,
    int PassIssueCycles,
    int PipelineDepthCycles,
    int LayerSetupCycles,
    int InvocationCycles);

/// <summary>How the compiler sizes a layer program (in instruction-memory entries).</summary>
public sealed record ProgramConstants(
    int PrologueInstructions,
    int LoopInstructions,
    int VariantBodyInstructions,
    int MaxVariants);

/// <summary>SRAM energy per byte of one memory kind at <see cref="EnergyConstants.SramReferenceBytes"/> of macro capacity, in pJ.</summary>
public sealed record SramEnergy(double ReadPjPerByte, double WritePjPerByte);

/// <summary>
/// Energy per action (Accelergy-style; see configs/technology/*.yaml for the source of each): an int8 MAC,
/// an SRAM byte read or written per memory kind (growing with macro capacity as
/// e(C) = e_ref·(C / <see cref="SramReferenceBytes"/>)^<see cref="SramCapacityExponent"/>), a DRAM bit,
/// a byte moved one NoC hop, and leakage per mm² of die.
/// </summary>
public sealed record EnergyConstants(
    double MacPj,
    double SramReferenceBytes,
    double SramCapacityExponent,
    SramEnergy PeMemory,
    SramEnergy CoreMemory,
    SramEnergy Staging,
    SramEnergy InstructionMemory,
    double DramPjPerBit,
    double NocPjPerByteHop,
    double LeakageWattsPerMm2);

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
    ProgramConstants Program,
    EnergyConstants Energy)
{
    /// <summary>DRAM bytes per clock cycle for a link of <paramref name="gigabytesPerSecond"/>.</summary>
    public double DramBytesPerCycle(double gigabytesPerSecond) => gigabytesPerSecond / ClockGhz;

    /// <summary>
    /// Link cycles one DMA transfer of <paramref name="bytes"/> occupies: whole bursts plus the per-transfer
    /// cost (0 for no transfer). Short transfers pay for the burst they round up to.
    /// </summary>
    public double LinkCycles(double bytes, double gigabytesPerSecond)
    {
        if (bytes <= 0)
        {
            return 0;
        }

        var burst = Memory.DmaBurstBytes;
        return (Math.Ceiling((bytes / burst) - 1e-9) * burst / DramBytesPerCycle(gigabytesPerSecond)) + Memory.DmaTransferCycles;
    }

    /// <summary>Loads a technology file; every field is required so that no constant hides in code.</summary>
    public static Technology Load(string path)
    {
        var root = YamlNode.LoadFile(path);
        root.RejectUnknownKeys("name", "description", "clock_ghz", "mac_ways", "bytes_per_activation", "bytes_per_weight",
            "bytes_per_partial_sum", "instruction_bytes", "area", "memory", "overheads", "program", "energy");
        var area = root.Get("area");
        area.RejectUnknownKeys("mac_mm2", "pe_memory_mm2_per_mib", "core_memory_mm2_per_mib", "staging_memory_mm2_per_mib",
            "instruction_memory_mm2_per_mib", "macro_overhead_mm2", "pe_control_mm2", "core_control_mm2", "noc_mm2_per_pe",
            "io_phy_base_mm2", "io_phy_mm2_per_gbps", "chip_overhead_mm2");
        var memory = root.Get("memory");
        memory.RejectUnknownKeys("pe_memory_bytes_per_cycle", "core_memory_bytes_per_cycle", "dram_latency_cycles", "weight_stream_buffer_bytes",
            "dma_burst_bytes", "dma_transfer_cycles");
        var overheads = root.Get("overheads");
        overheads.RejectUnknownKeys("tile_issue_cycles", "pass_issue_cycles", "pipeline_depth_cycles", "layer_setup_cycles", "invocation_cycles");
        var program = root.Get("program");
        program.RejectUnknownKeys("prologue_instructions", "loop_instructions", "variant_body_instructions", "max_variants");
        var energy = root.Get("energy");
        energy.RejectUnknownKeys("mac_pj", "sram_reference_bytes", "sram_capacity_exponent",
            "pe_memory_read_pj_per_byte", "pe_memory_write_pj_per_byte", "core_memory_read_pj_per_byte", "core_memory_write_pj_per_byte",
            "staging_read_pj_per_byte", "staging_write_pj_per_byte", "instruction_memory_read_pj_per_byte", "instruction_memory_write_pj_per_byte",
            "dram_pj_per_bit", "noc_pj_per_byte_hop", "leakage_w_per_mm2");

        return new Technology(
            root.GetString("name"),
            root.Get("clock_ghz").AsDouble(0.001, 10, "GHz"),
            root.Get("mac_ways").AsInt(1, 64),
            root.Get("bytes_per_activation").AsInt(1, 8),
            root.Get("bytes_per_weight").AsInt(1, 8),
            root.Get("bytes_per_partial_sum").AsInt(1, 8),
            root.Get("instruction_bytes").AsInt(1, 64),
            new AreaConstants(
                area.Get("mac_mm2").AsDouble(1e-9, 1, "mm²"),
                Density(area.Get("pe_memory_mm2_per_mib")),
                Density(area.Get("core_memory_mm2_per_mib")),
                Density(area.Get("staging_memory_mm2_per_mib")),
                Density(area.Get("instruction_memory_mm2_per_mib")),
                area.Get("macro_overhead_mm2").AsDouble(0, 10, "mm²"),
                area.Get("pe_control_mm2").AsDouble(0, 100, "mm²"),
                area.Get("core_control_mm2").AsDouble(0, 100, "mm²"),
                area.Get("noc_mm2_per_pe").AsDouble(0, 100, "mm²"),
                area.Get("io_phy_base_mm2").AsDouble(0, 1000, "mm²"),
                area.Get("io_phy_mm2_per_gbps").AsDouble(0, 10, "mm² per GB/s"),
                area.Get("chip_overhead_mm2").AsDouble(0, 10_000, "mm²")),
            new MemoryConstants(
                memory.Get("pe_memory_bytes_per_cycle").AsInt(1, 1 << 16),
                memory.Get("core_memory_bytes_per_cycle").AsInt(1, 1 << 16),
                memory.Get("dram_latency_cycles").AsInt(0, 1_000_000),
                memory.Get("weight_stream_buffer_bytes").AsInt(0, 1 << 30),
                memory.Get("dma_burst_bytes").AsInt(1, 1 << 16),
                memory.Get("dma_transfer_cycles").AsInt(0, 1_000_000)),
            new OverheadConstants(
                Cycles(overheads.Get("tile_issue_cycles")),
                Cycles(overheads.Get("pass_issue_cycles")),
                Cycles(overheads.Get("pipeline_depth_cycles")),
                Cycles(overheads.Get("layer_setup_cycles")),
                overheads.Get("invocation_cycles").AsInt(0, 100_000_000)),
            new ProgramConstants(
                program.Get("prologue_instructions").AsInt(0, 1 << 16),
                program.Get("loop_instructions").AsInt(0, 1 << 16),
                program.Get("variant_body_instructions").AsInt(1, 1 << 16),
                program.Get("max_variants").AsInt(1, 4096)),
            new EnergyConstants(
                energy.Get("mac_pj").AsDouble(1e-6, 1000, "pJ"),
                energy.Get("sram_reference_bytes").AsDouble(1, 1 << 30, "bytes"),
                energy.Get("sram_capacity_exponent").AsDouble(0, 1),
                Sram(energy, "pe_memory"),
                Sram(energy, "core_memory"),
                Sram(energy, "staging"),
                Sram(energy, "instruction_memory"),
                energy.Get("dram_pj_per_bit").AsDouble(1e-3, 1000, "pJ/bit"),
                energy.Get("noc_pj_per_byte_hop").AsDouble(0, 1000, "pJ per byte and hop"),
                energy.Get("leakage_w_per_mm2").AsDouble(0, 10, "W/mm²")));
    }

    // SRAM energies: 1e-6 to 1,000 pJ per byte (a byte costs fJ in the densest node, never nJ).
    private static SramEnergy Sram(YamlNode energy, string kind) => new(
        energy.Get(kind + "_read_pj_per_byte").AsDouble(1e-6, 1000, "pJ/B"),
        energy.Get(kind + "_write_pj_per_byte").AsDouble(1e-6, 1000, "pJ/B"));

    // SRAM densities: from 1e-6 mm²/MiB (far denser than any SRAM) to 100 mm²/MiB (far sparser).
    private static double Density(YamlNode node) => node.AsDouble(1e-6, 100, "mm²/MiB");

    // Fixed overheads: 0 to 1,000,000 cycles each.
    private static int Cycles(YamlNode node) => node.AsInt(0, 1_000_000);
}
