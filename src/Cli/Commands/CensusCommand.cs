using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Apollo.Compiler.Evaluation;
using Apollo.Compiler.Mapping;
using Apollo.Compiler.Workloads;
using Apollo.Configuration;
using Apollo.Simulator.Template;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary>
/// <c>apollo census</c>: evaluates uniform random points of a space and reports how many are over the area
/// budget, fail compilation (by stage and level) or are feasible, and the evaluation rate.
/// </summary>
public sealed class CensusCommand(CliStreams streams, ConfigLocator locator)
{
    private readonly Option<int> _samples = new("--samples") { Description = "Number of uniform random design points.", DefaultValueFactory = _ => 10_000 };
    private readonly Option<double?> _budget = new("--budget") { Description = "Area budget in mm² (default: 6.8)." };
    private readonly Option<int> _seed = new("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
    private readonly Option<string?> _space = new("--space") { Description = "Search space YAML (default: configs/accelerators/space.yaml)." };
    private readonly Option<string?> _workloadSet = new("--workload-set") { Description = "Workload set (default: all)." };
    private readonly Option<int> _threads = new("--threads") { Description = "Evaluation threads (0 = all cores).", DefaultValueFactory = _ => 0 };
    private readonly Option<string> _format = OutputFormats.Option(OutputFormats.Table, OutputFormats.Json, OutputFormats.Csv);

    public Command Build()
    {
        var command = new Command("census", "Sample a space uniformly: fraction over budget, failing compilation (by stage and level), feasible; evaluation rate.")
        {
            _samples, _budget, _seed, _space, _workloadSet, _threads, _format,
        };
        command.SetAction((result, cancellation) => CommandErrors.Guard(streams, () => Task.FromResult(Run(result, cancellation))));
        return command;
    }

    private int Run(ParseResult result, CancellationToken cancellation)
    {
        var samples = CliValues.InRange(result.GetValue(_samples), "--samples", 1, CliValues.MaxSamples);
        var budget = CliValues.Budget(result.GetValue(_budget)) ?? 6.8;
        var threads = CliValues.Threads(result.GetValue(_threads)) is > 0 and var t ? t : Environment.ProcessorCount;
        var space = AcceleratorFiles.LoadSpace(result.GetValue(_space) is { } s ? locator.UserPath(s) : locator.DefaultSpace);
        var catalog = WorkloadCatalog.Load(locator.DefaultWorkloads);
        var workloads = catalog.ResolveSet(result.GetValue(_workloadSet) ?? EvaluationSetup.DefaultWorkloadSet);
        var evaluator = new DesignEvaluator(Technology.Load(space.TechnologyFile), workloads);
        var rng = new Random(result.GetValue(_seed));
        var points = Enumerable.Range(0, samples).Select(_ => Sample(space, rng)).ToArray();

        // null = feasible; otherwise the stage and level that rejected the point.
        var outcomes = new (InfeasibilityStage Stage, InfeasibilityLevel Level)?[samples];
        var clock = Stopwatch.StartNew();
        Parallel.For(0, samples, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation }, i =>
        {
            var e = evaluator.Evaluate(points[i], budget);
            outcomes[i] = e.Infeasible is { } r ? (r.Stage, r.Level) : null;
        });
        clock.Stop();

        var withinBudget = outcomes.Count(o => o?.Stage != InfeasibilityStage.Area);
        var rows = outcomes.GroupBy(o => o).OrderBy(g => g.Key is null ? 2 : g.Key.Value.Stage == InfeasibilityStage.Area ? 0 : 1).ThenByDescending(g => g.Count())
            .Select(g => new CensusRow(g.Key is { } k ? $"{k.Stage.Text()}/{k.Level.Text()}" : "feasible", g.Key?.Stage.Text(), g.Key?.Level.Text(), g.Count(),
                (double)g.Count() / samples, g.Key?.Stage == InfeasibilityStage.Area || withinBudget == 0 ? null : (double)g.Count() / withinBudget))
            .ToList();
        var rate = samples / clock.Elapsed.TotalSeconds;
        var layers = workloads.Sum(w => w.Layers.Count);
        switch (result.GetValue(_format))
        {
            case OutputFormats.Csv:
                OutputFormats.WriteRows(streams.Out, csv: true, CsvColumns, rows.Select(Cells));
                return CommandErrors.Ok;
            case OutputFormats.Json:
                OutputFormats.WriteJson(streams.Out, new JsonObject
                {
                    ["space"] = space.Name,
                    ["samples"] = samples,
                    ["seed"] = result.GetValue(_seed),
                    ["area_budget_mm2"] = budget,
                    ["workloads"] = workloads.Count,
                    ["layers"] = layers,
                    ["threads"] = threads,
                    ["seconds"] = clock.Elapsed.TotalSeconds,
                    ["points_per_s"] = rate,
                    ["outcomes"] = new JsonArray(rows.Select(r => (JsonNode)OutputFormats.Row(CsvColumns, Cells(r))).ToArray()),
                });
                return CommandErrors.Ok;
        }

        var console = streams.CreateConsole();
        var table = new Table().Title($"{samples.ToString("N0", CultureInfo.InvariantCulture)} uniform points of '{Markup.Escape(space.Name)}' at {budget.ToString(CultureInfo.InvariantCulture)} mm²")
            .AddColumn("outcome").AddColumn(new TableColumn("points").RightAligned()).AddColumn(new TableColumn("fraction of all").RightAligned()).AddColumn(new TableColumn("fraction of within budget").RightAligned());
        foreach (var r in rows)
        {
            table.AddRow(r.Outcome, r.Points.ToString(CultureInfo.InvariantCulture), Percent(r.OfAll), r.OfWithinBudget is { } f ? Percent(f) : "-");
        }

        console.Write(table);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"evaluated in {clock.Elapsed.TotalSeconds:F2} s on {threads} thread(s): [bold]{rate:F0}[/] points/s ({workloads.Count} workloads, {layers} layers)"));
        return CommandErrors.Ok;
    }

    /// <summary>One outcome of a census: stage and level are null for feasible points; fractions are in [0, 1].</summary>
    private sealed record CensusRow(string Outcome, string? Stage, string? Level, int Points, double OfAll, double? OfWithinBudget);

    /// <summary>The columns of <c>census --format csv</c> and the keys of each JSON outcome.</summary>
    private static readonly string[] CsvColumns = ["outcome", "stage", "level", "points", "fraction_of_all", "fraction_of_within_budget"];

    private static IReadOnlyList<object?> Cells(CensusRow r) => [r.Outcome, r.Stage, r.Level, r.Points, r.OfAll, r.OfWithinBudget];

    private static AcceleratorConfig Sample(TemplateSpace space, Random rng)
    {
        var values = space.Parameters.ToDictionary(p => p.Name, p => p.Values[rng.Next(p.Values.Count)]);
        return AcceleratorConfig.FromParameters(values, (f, m) => new InvalidOperationException($"{f}: {m}"));
    }

    private static string Percent(double fraction) => (100.0 * fraction).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
