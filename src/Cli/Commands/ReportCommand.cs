using System.CommandLine;
using System.Globalization;
using Apollo.Configuration;
using Apollo.Reports;
using Apollo.Search;
using Apollo.Search.Storage;
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
            var report = Write(streams, studies, new ReportOptions(output, result.GetValue(_joint), result.GetValue(_seed), Maps: !result.GetValue(_noMaps)), cancellation);
            return Task.FromResult(report is null ? CommandErrors.Failure : CommandErrors.Ok);
        }));
        return command;
    }

    /// <summary>Default output folder: results/quickstart.db → results/quickstart-report.</summary>
    public static string DefaultOutput(string database) =>
        Path.Combine(Path.GetDirectoryName(database) ?? ".", Path.GetFileNameWithoutExtension(database) + "-report");

    /// <summary>Builds a report with progress (a bar on a terminal, lines otherwise) and prints where it is.</summary>
    public static ReportResult? Write(CliStreams streams, IReadOnlyList<StudyTrials> studies, ReportOptions options, CancellationToken cancellation)
    {
        var console = streams.CreateConsole();
        var builder = new ReportBuilder();
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
}
