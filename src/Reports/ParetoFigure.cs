using Apollo.Search.Objective;
using Apollo.Search.Storage;
using ScottPlot;

namespace Apollo.Reports;

/// <summary>
/// The front of each multi-objective study (docs/reports.md): its completed trials in the plane of the first two
/// objectives, as log10 of their ratio to the baseline's value (the baseline at (0, 0)), the non-dominated ones (over all of the
/// study's objectives) in red; the title gives the hypervolume. Single-objective studies draw nothing.
/// </summary>
public static class ParetoFigure
{
    private const int Width = 900;
    private const int Height = 640;

    // Values span two orders of magnitude (a single-PE design is 10-60x slower than the baseline): log axes keep the front readable.
    /// <summary>One figure per multi-objective study, named <c>pareto-&lt;database&gt;-&lt;study&gt;</c>.</summary>
    public static IReadOnlyList<Figure> ForStudies(ReportFiles files, IReadOnlyList<StudyTrials> studies)
    {
        var result = new List<Figure>();
        foreach (var study in studies)
        {
            ParetoData? pareto;
            using (var store = TrialStore.OpenReadOnly(study.Database))
            {
                pareto = store.LoadPareto(study.Study.Id);
            }

            if (pareto is not null && pareto.Values.Count > 0)
            {
                result.Add(Draw(files, study, pareto));
            }
        }

        return result;
    }

    private static Figure Draw(ReportFiles files, StudyTrials study, ParetoData pareto)
    {
        var (x, y) = (pareto.Objectives[0], pareto.Objectives[1]);
        var numbers = pareto.Values.Keys.Order().ToList();
        var vectors = numbers.Select(n => ParetoScoring.Shifted(pareto.Objectives, pareto.Values[n])).ToList();
        var front = Apollo.Search.MultiObjective.Pareto.NonDominated(vectors).ToHashSet();
        double[] Axis(int objective, bool onFront) =>
            numbers.Where((_, i) => front.Contains(i) == onFront).Select(n => Math.Log10(pareto.Values[n][objective] / pareto.Objectives[objective].Baseline)).ToArray();

        var plot = new Plot();
        plot.Title(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{study.QualifiedName}: {front.Count} non-dominated of {numbers.Count}, hypervolume {pareto.Hypervolume:F4}"));
        plot.XLabel($"log10 {x.Metric} / baseline {x.Baseline:G4} {x.Unit} ({x.Direction})");
        plot.YLabel($"log10 {y.Metric} / baseline {y.Baseline:G4} {y.Unit} ({y.Direction})");
        var rest = plot.Add.Markers(Axis(0, false), Axis(1, false), MarkerShape.FilledCircle, 4, Color.FromHex("#9e9e9e"));
        rest.LegendText = "dominated";
        var best = plot.Add.Markers(Axis(0, true), Axis(1, true), MarkerShape.FilledCircle, 7, Color.FromHex("#d62728"));
        best.LegendText = pareto.Objectives.Count > 2 ? $"non-dominated (in all {pareto.Objectives.Count} objectives)" : "non-dominated";
        var baseline = plot.Add.Markers(new[] { 0.0 }, new[] { 0.0 }, MarkerShape.Cross, 12, Color.FromHex("#000000"));
        baseline.LegendText = "baseline";
        plot.ShowLegend();

        var name = new string($"pareto-{Path.GetFileNameWithoutExtension(study.Database)}-{study.Name}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());
        var bytes = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        var png = files.Write(name + ".png", bytes);
        var svg = files.WriteText(name + ".svg", plot.GetSvgXml(Width, Height));
        return new Figure(name, $"{study.QualifiedName}: Pareto front", png, svg, bytes);
    }
}
