using System.CommandLine;
using System.Globalization;
using System.Text;
using Apollo.Reports;
using Apollo.Search.Storage;

namespace Apollo.Cli.Commands;

/// <summary>
/// <c>apollo summary</c>: per optimizer and area budget, the median and interquartile range of each run's
/// best reward and the feasible fraction of all trials — the table of the Apollo study.
/// </summary>
public sealed class SummaryCommand(CliStreams streams, ConfigLocator locator)
{
    private readonly Argument<string[]> _databases = new("database") { Description = "SQLite databases or sweep shards.", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string> _format = new("--format") { Description = "Output format.", DefaultValueFactory = _ => "markdown" };

    public Command Build()
    {
        _format.AcceptOnlyFromAmong("markdown", "csv");
        var command = new Command("summary", "Median and IQR of the best reward per optimizer and budget, with feasible fractions and wall time.") { _databases, _format };
        command.SetAction((result, _) => CommandErrors.Guard(streams, () =>
        {
            var studies = ReportSource.Load(result.GetValue(_databases)!.Select(locator.UserPath).ToList(), []);
            streams.Out.Write(Render(studies, result.GetValue(_format) == "csv"));
            return Task.FromResult(CommandErrors.Ok);
        }));
        return command;
    }

    public static string Render(IReadOnlyList<StudyTrials> studies, bool csv)
    {
        var rows = studies.GroupBy(s => (s.Optimizer, s.BudgetMm2))
            .OrderByDescending(g => g.Key.BudgetMm2).ThenBy(g => g.Key.Optimizer, StringComparer.Ordinal)
            .Select(g =>
            {
                var best = g.Select(s => s.BestReward).OrderBy(v => v).ToArray();
                var trials = g.Sum(s => s.Trials.Count);
                var feasible = g.Sum(s => s.Trials.Count(t => t.Status == TrialStatus.Completed));
                var seconds = g.Select(StudySeconds).OrderBy(v => v).ToArray();
                return string.Create(CultureInfo.InvariantCulture, $"{g.Key.Optimizer}|{g.Key.BudgetMm2:G}|{best.Length}|{trials / best.Length}|{Statistics.Quantile(best, 0.5):F3}|{Statistics.Quantile(best, 0.25):F3}|{Statistics.Quantile(best, 0.75):F3}|{best[0]:F3}|{best[^1]:F3}|{(double)feasible / Math.Max(1, trials):P1}|{Statistics.Quantile(seconds, 0.5):F1}");
            });
        var header = "optimizer|budget mm²|runs|trials per run|median best|Q1|Q3|min|max|feasible|median wall s";
        var text = new StringBuilder();
        if (csv)
        {
            text.AppendLine(header.Replace('|', ','));
            foreach (var row in rows)
            {
                text.AppendLine(row.Replace("|", ",", StringComparison.Ordinal));
            }
        }
        else
        {
            text.AppendLine("| " + header.Replace("|", " | ", StringComparison.Ordinal) + " |");
            text.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", header.Split('|').Length)));
            foreach (var row in rows)
            {
                text.AppendLine("| " + row.Replace("|", " | ", StringComparison.Ordinal) + " |");
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Wall time of a study, from its trials alone so that it survives merges (a merged study is created
    /// anew): from the start of the first trial's evaluation to the end of the last trial.
    /// </summary>
    private static double StudySeconds(StudyTrials s) =>
        s.Trials.Count == 0 ? 0 : (s.Trials[^1].FinishedAt - s.Trials[0].FinishedAt).TotalSeconds + (s.Trials[0].EvaluationMilliseconds / 1e3);
}
