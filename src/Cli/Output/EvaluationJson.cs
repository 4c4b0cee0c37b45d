using System.Text.Json;
using System.Text.Json.Nodes;
using Apollo.Compiler.Mapping;
using Apollo.Search.Objective;

namespace Apollo.Cli.Output;

/// <summary>
/// The stable JSON form of an evaluation (documented in docs/cli.md). Field names are snake_case and
/// never renamed; new fields may be added.
/// </summary>
public static class EvaluationJson
{
    // Relaxed escaping keeps "mm²" and quotes readable; output is never embedded in HTML.
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The evaluation object; <paramref name="study"/> names the study whose scoring was used (<c>evaluate --config</c>), or is null.</summary>
    public static JsonObject Build(ScoredDesign scored, double? budget, bool perLayer, string? study = null)
    {
        var e = scored.Evaluation;
        var accelerator = Object(e.Config.ToParameters());

        var breakdown = new JsonObject();
        foreach (var c in e.Area.Components)
        {
            breakdown[c.Name] = c.Mm2;
        }

        var speedups = scored.Speedups.ToDictionary(s => s.Workload);
        var workloads = new JsonArray();
        foreach (var w in e.Workloads)
        {
            var item = new JsonObject
            {
                ["name"] = w.Workload,
                ["weights_resident"] = w.WeightsResident,
                ["pinned_weight_bytes"] = w.PinnedWeightBytes,
                ["fixed_cycles"] = w.FixedCycles,
                ["latency_ms"] = w.LatencySeconds * 1e3,
                ["latency_s"] = w.LatencySeconds,
                ["throughput_per_s"] = w.ThroughputPerSecond,
                ["cycles"] = w.Cycles,
                ["dram_bytes"] = w.DramBytes,
                ["utilization"] = w.Utilization,
                ["energy_mj"] = w.EnergyJoules * 1e3,
                ["power_w"] = w.PowerWatts,
                ["energy_breakdown_mj"] = EnergyBreakdown(w.Energy.Breakdown),
                ["speedup"] = speedups.TryGetValue(w.Workload, out var s) ? s.Speedup : null,
                ["weight"] = s?.Weight,
            };
            if (perLayer)
            {
                item["layers"] = new JsonArray(w.Layers.Select((l, i) => Layer(l, w.Energy.LayerJoules[i])).ToArray<JsonNode?>());
            }

            workloads.Add(item);
        }

        return new JsonObject
        {
            ["accelerator"] = accelerator,
            ["feasible"] = e.IsFeasible,
            ["reward"] = scored.Reward,
            ["area_mm2"] = e.Area.TotalMm2,
            ["area_budget_mm2"] = budget,
            ["area_breakdown_mm2"] = breakdown,
            ["workloads"] = workloads,
            ["infeasible"] = e.Infeasible is { } r ? Reason(r) : null,
            ["study"] = study,
        };
    }

    /// <summary>A JSON object of named numbers, in the given order (design parameters, for example).</summary>
    public static JsonObject Object(IEnumerable<KeyValuePair<string, double>> values)
    {
        var obj = new JsonObject();
        foreach (var (name, value) in values)
        {
            obj[name] = value;
        }

        return obj;
    }

    public static JsonObject Reason(InfeasibleReason r) => new()
    {
        ["stage"] = r.Stage.Text(),
        ["level"] = r.Level.Text(),
        ["workload"] = r.Workload,
        ["layer"] = r.Layer,
        ["needed"] = r.Needed,
        ["available"] = r.Available,
        ["unit"] = r.Unit,
        ["message"] = r.Message,
    };

    /// <summary>Enum names in the snake_case of every other JSON value: OutputChannels → output_channels.</summary>
    private static string Snake(string pascal) => JsonNamingPolicy.SnakeCaseLower.ConvertName(pascal);

    /// <summary>Energy per inference by action class, in mJ; the terms add up to <c>energy_mj</c>.</summary>
    private static JsonObject EnergyBreakdown(Simulator.Energy.EnergyBreakdown b) => new()
    {
        ["mac"] = b.MacJoules * 1e3,
        ["pe_memory"] = b.PeMemoryJoules * 1e3,
        ["core_memory"] = b.CoreMemoryJoules * 1e3,
        ["staging"] = b.StagingJoules * 1e3,
        ["instruction_memory"] = b.InstructionMemoryJoules * 1e3,
        ["dram"] = b.DramJoules * 1e3,
        ["noc"] = b.NocJoules * 1e3,
        ["leakage"] = b.LeakageJoules * 1e3,
    };

    private static JsonObject Layer(MappedLayer l, double joules) => new()
    {
        ["name"] = l.Name,
        ["op"] = Snake(l.Shape.Op.ToString()),
        ["repeat"] = l.Repeat,
        ["weights_resident"] = l.WeightsResident,
        ["macs"] = l.Shape.Macs,
        ["cycles"] = l.Timing.TotalCycles,
        ["compute_cycles"] = l.Timing.ComputeCycles,
        ["memory_stall_cycles"] = l.Timing.MemoryStallCycles,
        ["overhead_cycles"] = l.Timing.OverheadCycles,
        ["utilization"] = l.Timing.Utilization,
        ["dram_bytes"] = l.Timing.DramBytes,
        ["energy_uj"] = joules * 1e6,
        ["mapping"] = new JsonObject
        {
            ["pe_columns"] = Snake(l.Spatial.PeColumns.ToString()),
            ["pe_rows"] = Snake(l.Spatial.PeRows.ToString()),
            ["cores"] = Snake(l.Spatial.Cores.ToString()),
            ["lanes"] = Snake(l.Spatial.Lanes.ToString()),
            ["mac_ways"] = Snake(l.Spatial.MacWays.ToString()),
            ["channel_chunk"] = l.Temporal.ChannelChunk,
            ["bands"] = l.Temporal.Bands,
            ["weight_tiles"] = l.Temporal.WeightTiles,
            ["tiles"] = l.Temporal.Tiles,
            ["unroll"] = l.Temporal.Unroll,
            ["program_entries"] = l.Temporal.ProgramEntries,
        },
    };
}
