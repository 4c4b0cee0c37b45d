using System.Globalization;
using Apollo.Compiler.Mapping;
using Apollo.Search.Storage;
using ScottPlot;

namespace Apollo.Reports;

/// <summary>A rendered figure: where its PNG and SVG are, and the PNG bytes for inlining.</summary>
public sealed record Figure(string Name, string Title, string PngPath, string SvgPath, byte[] Png);

/// <summary>
/// The report's figures, drawn with ScottPlot and saved as PNG and SVG through <see cref="ReportFiles"/> (never
/// half-written). Every method is a pure function of its inputs, so the same data give the same files.
/// </summary>
public sealed class Figures(ReportFiles files)
{
    private const int Width = 900;
    private const int Height = 640;

    private static readonly Color Infeasible = Color.FromHex("#9e9e9e");
    private static readonly Color Feasible = Color.FromHex("#1f77b4");
    private static readonly Color Best = Color.FromHex("#d62728");

    /// <summary>
    /// t-SNE map of one study's designs: stars for infeasible points, circles sized by reward for feasible
    /// ones, red crosses for the best designs. <paramref name="upTo"/> limits the trials drawn (a frame of
    /// the optimization horizon); <paramref name="limits"/> keeps frames comparable.
    /// </summary>
    public Figure TsneMap(string name, string title, IReadOnlyList<TrialRecord> trials, double[,] xy, int upTo, AxisLimits limits, int bestCount)
    {
        var plot = NewPlot(title, "t-SNE 1", "t-SNE 2");
        var shown = Enumerable.Range(0, Math.Min(upTo, trials.Count)).ToList();
        var infeasible = shown.Where(i => trials[i].Status != TrialStatus.Completed).ToList();
        if (infeasible.Count > 0)
        {
            var m = plot.Add.Markers(infeasible.Select(i => xy[i, 0]).ToArray(), infeasible.Select(i => xy[i, 1]).ToArray(), MarkerShape.Asterisk, 6, Infeasible);
            m.LegendText = $"infeasible ({infeasible.Count})";
        }

        var feasible = shown.Where(i => trials[i].Status == TrialStatus.Completed).ToList();
        if (feasible.Count > 0)
        {
            // Five size classes of the study's reward range keep the legend readable, the SVG small and
            // the frames comparable (a circle means the same reward in every frame).
            var maxReward = trials.Max(t => t.Reward);
            for (var bin = 0; bin < 5; bin++)
            {
                var members = feasible.Where(i => Math.Min(4, (int)(5 * trials[i].Reward / (maxReward * 1.000001))) == bin).ToList();
                if (members.Count == 0)
                {
                    continue;
                }

                var size = 4 + (bin * 3);
                var m = plot.Add.Markers(members.Select(i => xy[i, 0]).ToArray(), members.Select(i => xy[i, 1]).ToArray(), MarkerShape.FilledCircle, size, Feasible.WithAlpha(0.55));
                m.LegendText = string.Create(CultureInfo.InvariantCulture, $"feasible, reward {bin * maxReward / 5:F2}–{(bin + 1) * maxReward / 5:F2} ({members.Count})");
            }

            var best = feasible.OrderByDescending(i => trials[i].Reward).ThenBy(i => i).Take(bestCount).ToList();
            var b = plot.Add.Markers(best.Select(i => xy[i, 0]).ToArray(), best.Select(i => xy[i, 1]).ToArray(), MarkerShape.Cross, 16, Best);
            b.MarkerLineWidth = 3;
            b.LegendText = $"best {best.Count}";
        }

        plot.Axes.SetLimits(limits);
        plot.ShowLegend(Alignment.UpperRight);
        return Save(name, title, plot);
    }

    /// <summary>Violin plot of each run's best reward per group (kernel density, Silverman bandwidth), with the runs as dots.</summary>
    public Figure Violins(string name, string title, IReadOnlyList<RunGroup> groups)
    {
        var plot = NewPlot(title, "", "best reward of each run");
        var palette = new ScottPlot.Palettes.Category10();
        var optimizers = groups.Select(g => g.Runs[0].Optimizer).Distinct().ToList();
        for (var g = 0; g < groups.Count; g++)
        {
            var values = groups[g].Runs.Select(r => r.BestReward).OrderBy(v => v).ToArray();
            var color = palette.GetColor(optimizers.IndexOf(groups[g].Runs[0].Optimizer)); // one colour per optimizer
            if (values.Length > 1 && values[^1] > values[0])
            {
                var (ys, density) = KernelDensity(values);
                var scale = 0.4 / density.Max();
                var left = ys.Select((y, i) => new Coordinates(g - (density[i] * scale), y));
                var right = ys.Select((y, i) => new Coordinates(g + (density[i] * scale), y)).Reverse();
                var polygon = plot.Add.Polygon(left.Concat(right).ToArray());
                polygon.FillColor = color.WithAlpha(0.35);
                polygon.LineColor = color;
            }

            plot.Add.Markers(values.Select(_ => (double)g).ToArray(), values, MarkerShape.FilledCircle, values.Length == 1 ? 9 : 6, color);
            if (values.Length > 1)
            {
                // One run is its point alone: a median bar over a single value would read as a flat violin.
                var median = plot.Add.Line(g - 0.3, Statistics.Median(values), g + 0.3, Statistics.Median(values));
                median.LineColor = color;
                median.LineWidth = 2;
            }
        }

        // Two-line tick labels (optimizer, budget) stay readable for a dozen groups; medians are in the tables.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(),
            groups.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Runs[0].Optimizer}\n{g.Runs[0].BudgetMm2:G} mm²")).ToArray());
        plot.Axes.SetLimitsX(-0.6, groups.Count - 0.4);
        return Save(name, title, plot, Math.Max(Width, 90 * groups.Count));
    }

    /// <summary>Median and interquartile band over runs of a per-trial series, one line per group.</summary>
    public Figure Bands(string name, string title, string yLabel, IReadOnlyList<RunGroup> groups, Func<StudyTrials, double[]> series)
    {
        var plot = NewPlot(title, "trial", yLabel);
        var palette = new ScottPlot.Palettes.Category10();
        // Colour by optimizer, line pattern by budget, so a dozen groups stay tellable apart.
        var optimizers = groups.Select(g => g.Runs[0].Optimizer).Distinct().ToList();
        var budgets = groups.Select(g => g.Runs[0].BudgetMm2).Distinct().ToList();
        LinePattern[] patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
        for (var g = 0; g < groups.Count; g++)
        {
            var runs = groups[g].Runs.Select(series).Where(s => s.Length > 0).ToList();
            if (runs.Count == 0)
            {
                continue;
            }

            var length = runs.Min(r => r.Length);
            var xs = Enumerable.Range(1, length).Select(i => (double)i).ToArray();
            var median = new double[length];
            var q1 = new double[length];
            var q3 = new double[length];
            for (var t = 0; t < length; t++)
            {
                var column = runs.Select(r => r[t]).OrderBy(v => v).ToArray();
                median[t] = Statistics.Quantile(column, 0.5);
                q1[t] = Statistics.Quantile(column, 0.25);
                q3[t] = Statistics.Quantile(column, 0.75);
            }

            var color = palette.GetColor(optimizers.IndexOf(groups[g].Runs[0].Optimizer));
            var band = plot.Add.FillY(xs, q1, q3);
            band.FillColor = color.WithAlpha(0.12);
            band.LineWidth = 0;
            var line = plot.Add.Scatter(xs, median, color);
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LinePattern = patterns[budgets.IndexOf(groups[g].Runs[0].BudgetMm2) % patterns.Length];
            line.LegendText = $"{groups[g].Label} (median, IQR over {runs.Count} runs)";
        }

        plot.ShowLegend(Alignment.LowerRight);
        return Save(name, title, plot);
    }

    /// <summary>Shares of infeasible trials by stage and level (failed trials as one more bar), one bar group per run group.</summary>
    public Figure InfeasibilityReasons(string name, string title, IReadOnlyList<RunGroup> groups)
    {
        var plot = NewPlot(title, "", "share of the group's trials");
        var levels = groups.SelectMany(g => g.Runs).SelectMany(r => r.Trials)
            .Where(t => t.Status != TrialStatus.Completed)
            .Select(t => Cause(t.Outcome)).Distinct()
            .OrderBy(c => c is null).ThenBy(c => c?.Stage).ThenBy(c => c?.Level).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var width = 0.8 / Math.Max(1, levels.Count);
        for (var l = 0; l < levels.Count; l++)
        {
            var bars = new List<Bar>();
            for (var g = 0; g < groups.Count; g++)
            {
                var trials = groups[g].Runs.SelectMany(r => r.Trials).ToList();
                var share = trials.Count == 0 ? 0 : (double)trials.Count(t => t.Status != TrialStatus.Completed && Cause(t.Outcome) == levels[l]) / trials.Count;
                bars.Add(new Bar { Position = g - 0.4 + ((l + 0.5) * width), Value = share, Size = width * 0.9, FillColor = palette.GetColor(l) });
            }

            plot.Add.Bars(bars);
        }

        plot.Legend.ManualItems.AddRange(levels.Select((level, i) => new LegendItem
        {
            LabelText = level is var (stage, at) ? $"{stage.Text()}/{at.Text()}" : "failed",
            FillColor = palette.GetColor(i),
        }));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(),
            groups.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Runs[0].Optimizer}\n{g.Runs[0].BudgetMm2:G} mm²")).ToArray());
        plot.Axes.SetLimitsY(0, 1.15); // headroom for the legend above the bars
        plot.ShowLegend(Alignment.UpperRight);
        return Save(name, title, plot, Math.Max(Width, 90 * groups.Count));
    }

    /// <summary>Stage and level of an infeasible trial; null for a failed one (and a completed one).</summary>
    private static (InfeasibilityStage Stage, InfeasibilityLevel Level)? Cause(TrialOutcome outcome) =>
        outcome is TrialOutcome.Infeasible i ? (i.Reason.Stage, i.Reason.Level) : null;

    private static Plot NewPlot(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    private Figure Save(string name, string title, Plot plot, int width = Width)
    {
        var bytes = plot.GetImageBytes(width, Height, ImageFormat.Png);
        var png = files.Write(name + ".png", bytes);
        var svg = files.WriteText(name + ".svg", plot.GetSvgXml(width, Height));
        return new Figure(name, title, png, svg, bytes);
    }

    private static (double[] Ys, double[] Density) KernelDensity(double[] sorted)
    {
        var n = sorted.Length;
        var mean = sorted.Average();
        var sd = Math.Sqrt(sorted.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, n - 1));
        var iqr = Statistics.Quantile(sorted, 0.75) - Statistics.Quantile(sorted, 0.25);
        var spread = Math.Min(sd, iqr > 0 ? iqr / 1.34 : sd);
        var h = 0.9 * (spread > 0 ? spread : sd > 0 ? sd : 1e-3) * Math.Pow(n, -0.2); // Silverman's rule
        var lo = sorted[0] - (2 * h);
        var hi = sorted[^1] + (2 * h);
        var ys = Enumerable.Range(0, 100).Select(i => lo + ((hi - lo) * i / 99.0)).ToArray();
        var density = ys.Select(y => sorted.Sum(v => Math.Exp(-0.5 * Math.Pow((y - v) / h, 2)))).ToArray();
        return (ys, density);
    }
}
