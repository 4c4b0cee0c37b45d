using System.CommandLine;
using System.Globalization;
using Apollo.Configuration;
using Apollo.Reports;
using Apollo.Reports.Interactive;
using Apollo.Search;
using Apollo.Search.Optimizers;
using Apollo.Search.Storage;
using Apollo.Search.Studies;
using Apollo.Simulator.Template;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary><c>apollo report</c>: t-SNE maps, figures and a self-contained HTML page for one or more studies.</summary>
public sealed class ReportCommand(CliStreams streams, ConfigLocator locator)
{
    private readonly Argument<string[]> _databases = new("database") { Description = "SQLite databases (or sweep shards) written by apollo search.", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string[]> _studies = new("--study") { Description = "Studies to include (repeatable; default: all).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string?> _out = new("--out") { Description = "Output folder (default: next to the first database, <name>-report)." };
    private readonly Option<bool> _joint = new("--joint") { Description = "Embed all selected studies together so their maps are comparable." };
    private readonly Option<int> _seed = new("--seed") { Description = "t-SNE seed.", DefaultValueFactory = _ => 0 };
    private readonly Option<bool> _noMaps = new("--no-maps") { Description = "Skip the t-SNE maps: only the cross-run figures and tables." };

    public Command Build()
    {
        var command = new Command("report", "Write t-SNE maps, figures (PNG and SVG), embedding.csv and a self-contained report.html.")
        {
            _databases, _studies, _out, _joint, _seed, _noMaps,
        };
        command.SetAction((result, cancellation) => CommandErrors.Guard(streams, () =>
        {
            var databases = result.GetValue(_databases)!.Select(locator.UserPath).ToList();
            var output = result.GetValue(_out) is { } o ? locator.UserPath(o) : DefaultOutput(databases[0]);
            if (File.Exists(output))
            {
                throw new ConfigException(CliValues.Source, null, "--out", $"{output} is a file; the report needs a folder (created if missing)");
            }

            var studies = ReportSource.Load(databases, result.GetValue(_studies) ?? []);
            var report = Write(streams, locator, studies, new ReportOptions(output, result.GetValue(_joint), result.GetValue(_seed), Maps: !result.GetValue(_noMaps)), cancellation);
            return Task.FromResult(report is null ? CommandErrors.Failure : CommandErrors.Ok);
        }));
        return command;
    }

    /// <summary>Default output folder: results/quickstart.db → results/quickstart-report.</summary>
    public static string DefaultOutput(string database) =>
        Path.Combine(Path.GetDirectoryName(database) ?? ".", Path.GetFileNameWithoutExtension(database) + "-report");

    /// <summary>Builds a report with progress (a bar on a terminal, lines otherwise) and prints where it is.</summary>
    public static ReportResult? Write(CliStreams streams, ConfigLocator locator, IReadOnlyList<StudyTrials> studies, ReportOptions options, CancellationToken cancellation)
    {
        var console = streams.CreateConsole();
        var builder = new ReportBuilder(explain: (study, best) => Explain(streams, locator, study, best));
        ReportResult result;
        if (streams.Interactive)
        {
            result = console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("report", maxValue: 1);
                    return builder.Build(studies, options, new SynchronousProgress<ReportProgress>(p =>
                    {
                        task.Description = $"t-SNE {Markup.Escape(p.Stage)}";
                        task.MaxValue = Math.Max(1, p.TotalIterations);
                        task.Value = p.Iteration;
                    }), cancellation);
                });
        }
        else
        {
            var last = "";
            result = builder.Build(studies, options, new SynchronousProgress<ReportProgress>(p =>
            {
                if (p.Stage != last)
                {
                    streams.Out.WriteLine($"report: {p.Stage}...");
                    last = p.Stage;
                }
            }), cancellation);
        }

        foreach (var e in result.Embeddings)
        {
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"t-SNE '{e.Name}': {e.Points} points, {(e.BarnesHut ? "Barnes-Hut" : "exact")}, {e.Elapsed.TotalSeconds:F1} s, trustworthiness {e.Trustworthiness:F3} (k=5, on {e.TrustworthinessSample} points)")));
        }

        // On standard error, where warnings go, so that it shows even when the output is kept in a file.
        foreach (var warning in result.Embeddings.Select(e => e.Warning).OfType<string>())
        {
            streams.Error.WriteLine($"warning: {warning}");
        }

        console.MarkupLine($"report: [bold]{Markup.Escape(result.HtmlPath)}[/] ({result.Figures.Count} figures, PNG and SVG, and {Markup.Escape(Path.GetFileName(result.CsvPath))})");
        return result;
    }

    /// <summary>
    /// Re-evaluates a study's best trial and its baseline under the study's stored settings (its config snapshot, whose
    /// paths are absolute), for the page's bottleneck views. Returns null, with a warning, when that is not possible
    /// here: an external evaluator, or files that moved or no longer parse.
    /// </summary>
    private static DesignExplanation? Explain(CliStreams streams, ConfigLocator locator, StudyTrials study, TrialRecord best)
    {
        var file = Path.Combine(Path.GetTempPath(), $"apollo-report-{Guid.NewGuid():N}.yaml");
        try
        {
            // Without its transfer sources: they do not change how a point scores, and their databases need not be here.
            var snapshot = string.Join('\n', study.Study.Definition.ConfigSnapshot.Split('\n').Where(line => !line.StartsWith("transfer:", StringComparison.Ordinal)));
            File.WriteAllText(file, snapshot);
            var config = SearchConfig.Load(file, locator.WorkingDirectory, locator.ConfigsRoot, OptimizerRegistry.Default);
            if (config.Evaluator is not null)
            {
                streams.Error.WriteLine($"note: {study.QualifiedName} used an external evaluator; its best design's bottlenecks are not shown");
                return null;
            }

            var scoring = StudySetup.Scoring(config);
            var adapter = new DesignSpaceAdapter(scoring.Template);
            var scored = scoring.Objective.Score(adapter.ToConfig(adapter.ToPoint(best.Parameters)));
            var baseline = scoring.Objective.Evaluator.Evaluate(AcceleratorFiles.LoadAccelerator(config.BaselineFile).Config, null);
            if (!scored.Evaluation.IsFeasible || !baseline.IsFeasible)
            {
                streams.Error.WriteLine($"warning: {study.QualifiedName} trial {best.Number} is no longer feasible under its files; were they edited since the study ran?");
                return null;
            }

            if (Math.Abs(scored.Reward - best.Reward) > 1e-9 * Math.Max(1, best.Reward))
            {
                streams.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"warning: {study.QualifiedName} trial {best.Number} re-evaluates to reward {scored.Reward:G6}, stored {best.Reward:G6}: the study's files changed since it ran"));
            }

            return new DesignExplanation(study.Fingerprint.Id, study.QualifiedName, best.Number, best.Reward, EvaluatedDesign.Of(scored.Evaluation), EvaluatedDesign.Of(baseline));
        }
        catch (Exception e) when (e is ConfigException or ArgumentException or InvalidOperationException)
        {
            // A space or baseline file edited since the study ran (a value off its grid), or one that moved.
            streams.Error.WriteLine($"warning: cannot re-evaluate the best design of {study.QualifiedName}: {e.Message}");
            return null;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
