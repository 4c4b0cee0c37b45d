using System.Globalization;
using Apollo.Compiler.Mapping;
using Apollo.Search.Objective;
using Spectre.Console;

namespace Apollo.Cli.Output;

/// <summary>Human-readable evaluation: area breakdown, per-workload performance, reward or the reason it is infeasible.</summary>
public static class EvaluationTable
{
    /// <summary>Writes the tables; <paramref name="study"/> names the study whose scoring was used (<c>evaluate --config</c>), or is null.</summary>
    public static void Write(IAnsiConsole console, string name, ScoredDesign scored, double? budget, bool perLayer, string? study = null, ObjectiveKind objective = ObjectiveKind.ThroughputPerArea)
    {
        var e = scored.Evaluation;
        var parameters = string.Join("  ", e.Config.ToParameters().Select(p => $"{p.Key}={F(p.Value, "G")}"));
        console.MarkupLine($"[bold]{Markup.Escape(name)}[/]  {Markup.Escape(parameters)}");

        var area = new Table().Title("Area (mm²)").AddColumn("component").AddColumn(new TableColumn("mm²").RightAligned());
        foreach (var c in e.Area.Components)
        {
            area.AddRow(Markup.Escape(c.Name), F(c.Mm2, "F3"));
        }

        area.AddRow("[bold]total[/]", $"[bold]{F(e.Area.TotalMm2, "F3")}[/]");
        if (budget is { } b)
        {
            area.AddRow("budget", F(b, "F3"));
        }

        console.Write(area);

        if (e.Workloads.Count > 0)
        {
            var speedups = scored.Speedups.ToDictionary(s => s.Workload, s => s.Speedup);
            var perf = new Table().Title("Workloads (batch 1)")
                .AddColumn("workload")
                .AddColumn(new TableColumn("latency ms").RightAligned())
                .AddColumn(new TableColumn("inferences/s").RightAligned())
                .AddColumn(new TableColumn("utilization").RightAligned())
                .AddColumn(new TableColumn("DRAM MB").RightAligned())
                .AddColumn(new TableColumn("energy mJ").RightAligned())
                .AddColumn(new TableColumn("power W").RightAligned())
                .AddColumn("weights")
                .AddColumn(new TableColumn(objective == ObjectiveKind.ThroughputPerArea ? "speedup/mm²" : $"{objective.Text()} ratio").RightAligned());
            foreach (var w in e.Workloads)
            {
                perf.AddRow(
                    Markup.Escape(w.Workload),
                    F(w.LatencySeconds * 1e3, "F3"),
                    F(w.ThroughputPerSecond, "F1"),
                    F(w.Utilization * 100, "F1") + "%",
                    F(w.DramBytes / 1e6, "F2"),
                    F(w.EnergyJoules * 1e3, "F3"),
                    F(w.PowerWatts, "F3"),
                    w.WeightsResident ? "resident" : w.PinnedWeightBytes > 0 ? "partial" : "streamed",
                    speedups.TryGetValue(w.Workload, out var s) ? F(s, "F3") : "-");
            }

            console.Write(perf);
        }

        if (perLayer)
        {
            // Not a terminal (a pipe, a file): plain aligned columns, no borders and no width limit, so the wide
            // per-layer table never wraps or truncates a cell and each layer stays one line for grep and awk.
            var plain = !console.Profile.Capabilities.Interactive;
            var width = console.Profile.Width;
            if (plain)
            {
                console.Profile.Width = PlainLayerWidth;
            }

            foreach (var w in e.Workloads)
            {
                var layers = new Table().Title($"{Markup.Escape(w.Workload)}: layers")
                    .AddColumn("layer").AddColumn("op").AddColumn(new TableColumn("MACs").RightAligned())
                    .AddColumn(new TableColumn("cycles").RightAligned()).AddColumn(new TableColumn("compute").RightAligned())
                    .AddColumn(new TableColumn("mem stall").RightAligned()).AddColumn(new TableColumn("overhead").RightAligned())
                    .AddColumn(new TableColumn("util").RightAligned()).AddColumn(new TableColumn("DRAM B").RightAligned())
                    .AddColumn(new TableColumn("energy µJ").RightAligned())
                    .AddColumn("weights").AddColumn("mapping (cols/rows/cores/lanes/ways; tiles)");
                for (var i = 0; i < w.Layers.Count; i++)
                {
                    var l = w.Layers[i];
                    var m = l.Spatial;
                    layers.AddRow(
                        Markup.Escape(l.Repeat > 1 ? $"{l.Name} x{l.Repeat}" : l.Name),
                        l.Shape.Op.ToString(),
                        F(l.Shape.Macs, "N0"),
                        F(l.Timing.TotalCycles, "N0"),
                        F(l.Timing.ComputeCycles, "N0"),
                        F(l.Timing.MemoryStallCycles, "N0"),
                        F(l.Timing.OverheadCycles, "N0"),
                        F(l.Timing.Utilization * 100, "F1") + "%",
                        F(l.Timing.DramBytes, "N0"),
                        F(w.Energy.LayerJoules[i] * 1e6, "N1"),
                        !l.Shape.HasWeights ? "-" : l.WeightsResident ? "pinned" : "streamed",
                        Markup.Escape($"{m.PeColumns}/{m.PeRows}/{m.Cores}/{m.Lanes}/{m.MacWays}; {l.Temporal.Tiles}"));
                }

                console.Write(plain ? layers.Border(TableBorder.None) : layers);
            }

            console.Profile.Width = width;
        }

        if (e.Infeasible is { } r)
        {
            console.MarkupLine($"[red]infeasible[/] ({Markup.Escape(r.Stage.Text())} / {Markup.Escape(r.Level.Text())}): {Markup.Escape(r.Message)}");
            console.MarkupLine("reward: [bold]0[/]");
        }
        else
        {
            console.MarkupLine($"reward: [bold]{F(scored.Reward, "F4")}[/] ({(study is null ? "" : "weighted ")}geometric mean of {(objective == ObjectiveKind.ThroughputPerArea ? "throughput/mm² speedups" : $"{objective.Text()} ratios")} over the baseline)");
        }

        if (study is not null)
        {
            console.MarkupLine($"scored as study '{Markup.Escape(study)}' scores its trials");
        }
    }

    /// <summary>Line width for the per-layer tables when the output is not a terminal: wide enough for any row.</summary>
    public const int PlainLayerWidth = 4096;

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
