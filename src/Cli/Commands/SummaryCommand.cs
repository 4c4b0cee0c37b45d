using System.CommandLine;
using System.Globalization;
using System.Text;
using Apollo.Reports;
using Apollo.Search.Storage;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary>
/// <c>apollo summary</c>: per objective fingerprint, optimizer and area budget, the median and interquartile range of
/// each run's best reward and the feasible fraction of all trials — the table of the Apollo study. Studies of different
/// fingerprints (<see cref="ObjectiveFingerprint"/>) are never pooled into one row.
/// </summary>
public sealed class SummaryCommand(CliStreams streams, ConfigLocator locator)
{
    private readonly Argument<string[]> _databases = new("database") { Description = "SQLite databases or sweep shards.", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string> _format = OutputFormats.Option("markdown", OutputFormats.Table, OutputFormats.Json, OutputFormats.Csv);

    public Command Build()
    {
        var command = new Command("summary", "Median and IQR of the best reward per optimizer and budget, with feasible fractions and wall time.") { _databases, _format };
        command.SetAction((result, _) => CommandErrors.Guard(streams, () =>
        {
            var studies = ReportSource.Load(result.GetValue(_databases)!.Select(locator.UserPath).ToList(), []);
            switch (result.GetValue(_format))
            {
                case OutputFormats.Json:
                    var rows = Rows(studies);
                    OutputFormats.WriteRows(streams.Out, csv: false, Header(rows), rows.Select(r => Cells(r, rows)));
                    break;
                case OutputFormats.Table:
                    WriteTable(streams, Rows(studies));
                    break;
                default:
                    streams.Out.Write(Render(studies, result.GetValue(_format) == OutputFormats.Csv));
                    break;
            }

            return Task.FromResult(CommandErrors.Ok);
        }));
        return command;
    }

    /// <summary>Columns of the CSV form; docs/reports.md gives their units.</summary>
    private static readonly string[] CsvHeader =
        ["fingerprint", "optimizer", "area_budget_mm2", "runs", "trials_per_run", "median_best", "q1_best", "q3_best", "min_best", "max_best", "feasible_fraction", "median_wall_s"];

    /// <summary>The columns for <paramref name="rows"/>: with <c>median_hypervolume</c> last when a row is multi-objective, so single-objective output is as before.</summary>
    private static string[] Header(IReadOnlyList<SummaryRow> rows) =>
        rows.Any(r => r.MedianHypervolume is not null) ? [.. CsvHeader, "median_hypervolume"] : CsvHeader;

    public static string Render(IReadOnlyList<StudyTrials> studies, bool csv)
    {
        var rows = Rows(studies);
        if (csv)
        {
            return CsvTable.Render(Header(rows), rows.Select(r => Cells(r, rows)));
        }

        // The hypervolume column only when a row has one, so single-objective summaries stay as they were.
        var pareto = rows.Any(r => r.MedianHypervolume is not null);
        var text = new StringBuilder();
        text.AppendLine("| fingerprint | optimizer | area budget mm² | runs | trials per run | median best | q1 best | q3 best | min best | max best | feasible fraction | median wall s |" + (pareto ? " median hypervolume |" : ""));
        text.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", Header(rows).Length)));
        foreach (var r in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Fingerprint} | {r.Optimizer} | {r.BudgetMm2:G} | {r.Runs} | {r.TrialsPerRun} | {r.Median:F3} | {r.Q1:F3} | {r.Q3:F3} | {r.Min:F3} | {r.Max:F3} | {r.FeasibleFraction:P1} | {r.MedianWallSeconds:F1} |")
                + (pareto ? string.Create(CultureInfo.InvariantCulture, $" {(r.MedianHypervolume is { } h ? h.ToString("F4", CultureInfo.InvariantCulture) : "-")} |") : ""));
        }

        text.AppendLine();
        foreach (var f in studies.Select(s => s.Fingerprint).DistinctBy(f => f.Id))
        {
            text.AppendLine($"fingerprint {f.Id}: {f.Description}");
        }

        return text.ToString();
    }

    /// <summary>The markdown table's columns as a terminal table (<c>--format table</c>).</summary>
    private static void WriteTable(CliStreams streams, IReadOnlyList<SummaryRow> rows)
    {
        var table = new Table().AddColumn("fingerprint").AddColumn("optimizer");
        foreach (var name in new[] { "area budget mm²", "runs", "trials per run", "median best", "q1 best", "q3 best", "min best", "max best", "feasible fraction", "median wall s" })
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        var inv = CultureInfo.InvariantCulture;
        foreach (var r in rows)
        {
            table.AddRow(Markup.Escape(r.Fingerprint), Markup.Escape(r.Optimizer), r.BudgetMm2.ToString("G", inv), r.Runs.ToString(inv), r.TrialsPerRun.ToString(inv), r.Median.ToString("F3", inv),
                r.Q1.ToString("F3", inv), r.Q3.ToString("F3", inv), r.Min.ToString("F3", inv), r.Max.ToString("F3", inv), r.FeasibleFraction.ToString("P1", inv),
                r.MedianWallSeconds.ToString("F1", inv));
        }

        streams.CreateConsole().Write(table);
    }

    private static IReadOnlyList<object?> Cells(SummaryRow r, IReadOnlyList<SummaryRow> rows) =>
        [r.Fingerprint, r.Optimizer, r.BudgetMm2, r.Runs, r.TrialsPerRun, r.Median, r.Q1, r.Q3, r.Min, r.Max, r.FeasibleFraction, r.MedianWallSeconds, .. Header(rows).Length > CsvHeader.Length ? [r.MedianHypervolume] : Array.Empty<object?>()];

    private static List<SummaryRow> Rows(IReadOnlyList<StudyTrials> studies) =>
        RunGroup.Of(studies)
            .Select(g =>
            {
                var best = g.Runs.Select(s => s.BestReward).OrderBy(v => v).ToArray();
                var trials = g.Runs.Sum(s => s.Trials.Count);
                var feasible = g.Runs.Sum(s => s.Trials.Count(t => t.Status == TrialStatus.Completed));
                var seconds = g.Runs.Select(StudySeconds).OrderBy(v => v).ToArray();
                var volumes = g.Runs.Select(Hypervolume).OfType<double>().OrderBy(v => v).ToArray();
                return new SummaryRow(g.Fingerprint.Id, g.Optimizer, g.BudgetMm2, best.Length, trials / best.Length, Statistics.Quantile(best, 0.5),
                    Statistics.Quantile(best, 0.25), Statistics.Quantile(best, 0.75), best[0], best[^1], (double)feasible / Math.Max(1, trials),
                    Statistics.Quantile(seconds, 0.5))
                {
                    MedianHypervolume = volumes.Length > 0 ? Statistics.Quantile(volumes, 0.5) : null,
                };
            })
            .ToList();

    /// <summary>A multi-objective study's hypervolume after its last batch; null for a single-objective one.</summary>
    private static double? Hypervolume(StudyTrials s)
    {
        using var store = TrialStore.OpenReadOnly(s.Database);
        return store.LoadPareto(s.Study.Id)?.Hypervolume;
    }

    /// <summary>
    /// Wall time of a study, from its trials alone so that it survives merges (a merged study is created
    /// anew): from the start of the first trial's evaluation to the end of the last trial.
    /// </summary>
    private static double StudySeconds(StudyTrials s) =>
        s.Trials.Count == 0 ? 0 : (s.Trials[^1].FinishedAt - s.Trials[0].FinishedAt).TotalSeconds + (s.Trials[0].EvaluationMilliseconds / 1e3);
}

/// <summary>One fingerprint × optimizer × budget line of <c>apollo summary</c>.</summary>
internal sealed record SummaryRow(
    string Fingerprint,
    string Optimizer,
    double BudgetMm2,
    int Runs,
    int TrialsPerRun,
    double Median,
    double Q1,
    double Q3,
    double Min,
    double Max,
    double FeasibleFraction,
    double MedianWallSeconds)
{
    /// <summary>Median over the runs of a multi-objective study's final hypervolume; null when the runs are single-objective.</summary>
    public double? MedianHypervolume { get; init; }
}
