using System.CommandLine;
using System.Globalization;
using Apollo.Configuration;
using Apollo.Search.MultiObjective;
using Apollo.Search.Storage;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary>
/// <c>apollo pareto DB [--study S] [--format table|csv|json]</c>: the non-dominated designs of a multi-objective
/// study (docs/cli.md), each with its objective values in their units, reward and parameters, and the study's
/// dominated hypervolume. Single-objective commands point here for such a study.
/// </summary>
public sealed class ParetoCommand(CliStreams streams, ConfigLocator locator)
{
    public Command Build()
    {
        var db = StoreCommands.DatabaseArgument();
        var study = StoreCommands.StudyOption();
        var format = OutputFormats.Option(OutputFormats.Table, OutputFormats.Csv, OutputFormats.Json);
        var command = new Command("pareto", "List the non-dominated designs of a multi-objective study (objectives:) with its hypervolume.") { db, study, format };
        command.SetAction((result, _) => CommandErrors.Guard(streams, () =>
        {
            using var store = TrialStore.OpenReadOnly(locator.UserPath(result.GetValue(db)!));
            var info = StoreCommands.SelectStudy(store, result.GetValue(study));
            var pareto = store.LoadPareto(info.Id) ?? throw new ConfigException(store.Path, null, "--study",
                $"study '{info.Definition.Name}' has a single objective (no objectives: in its config); use 'apollo best'");
            var front = Front(store.LoadTrials(info.Id), pareto);
            var columns = Columns(pareto, front);
            var rows = front.Select(t => Cells(t, pareto)).ToList();
            if (result.GetValue(format) is OutputFormats.Csv or OutputFormats.Json)
            {
                OutputFormats.WriteRows(streams.Out, result.GetValue(format) == OutputFormats.Csv, columns, rows);
                return Task.FromResult(CommandErrors.Ok);
            }

            var console = streams.CreateConsole();
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"study '{info.Definition.Name}': {front.Count} non-dominated of {pareto.Values.Count} completed trials; hypervolume {pareto.Hypervolume:F4} ({string.Join(", ", pareto.Objectives.Select(o => $"{o.Direction} {o.Metric}, reference {o.Reference:G4} x baseline {o.Baseline:G4} {o.Unit}"))})")));
            // The table shows trial, objectives, reward and proposer; the parameters are in csv and json (too wide here).
            var shown = 3 + pareto.Objectives.Count;
            var table = new Table();
            // Titles are the keys in words, the unit as its symbol (docs/cli.md, output formats).
            string[] titles = ["trial", .. pareto.Objectives.Select(o => $"{o.Metric.Replace('_', ' ')} {o.Unit}"), "reward", "proposer"];
            foreach (var title in titles)
            {
                table.AddColumn(new TableColumn(Markup.Escape(title)).RightAligned());
            }

            foreach (var row in rows)
            {
                table.AddRow(row.Take(shown).Select(cell => Markup.Escape(cell switch
                {
                    double d => d.ToString("G5", CultureInfo.InvariantCulture),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => cell?.ToString() ?? "-",
                })).ToArray());
            }

            console.Write(table);
            return Task.FromResult(CommandErrors.Ok);
        }));
        return command;
    }

    /// <summary>Refuses a multi-objective study in a single-objective command, with one line naming <c>apollo pareto</c>.</summary>
    /// <exception cref="ConfigException">The study is multi-objective.</exception>
    public static void RefuseMultiObjective(TrialStore store, StudyInfo study, string command)
    {
        if (store.LoadPareto(study.Id) is { } pareto)
        {
            throw new ConfigException(store.Path, null, "--study",
                $"study '{study.Definition.Name}' is multi-objective ({string.Join(", ", pareto.Objectives.Select(o => o.Metric))}) and has no single best design; '{command}' does not apply: use 'apollo pareto {store.Path} --study {study.Definition.Name}'");
        }
    }

    /// <summary>The completed trials no other completed trial dominates, in trial order (repeated vectors all kept).</summary>
    private static List<TrialRecord> Front(IReadOnlyList<TrialRecord> trials, ParetoData pareto)
    {
        var completed = trials.Where(t => pareto.Values.ContainsKey(t.Number)).ToList();
        var vectors = completed.Select(t => Apollo.Search.Objective.ParetoScoring.Shifted(pareto.Objectives, pareto.Values[t.Number])).ToList();
        return Pareto.NonDominated(vectors).Order().Select(i => completed[i]).ToList();
    }

    private static string[] Columns(ParetoData pareto, IReadOnlyList<TrialRecord> front) =>
    [
        "trial", .. pareto.Objectives.Select(o => $"{o.Metric}_{UnitKey(o.Unit)}"), "reward", "proposer",
        .. front.Count > 0 ? front[0].Parameters.Select(p => p.Key) : [],
    ];

    private static IReadOnlyList<object?> Cells(TrialRecord t, ParetoData pareto) =>
        [t.Number, .. pareto.Values[t.Number].Select(v => (object?)v), t.Reward, t.Proposer, .. t.Parameters.Select(p => (object?)p.Value)];

    private static string UnitKey(string unit) => unit switch
    {
        "mm²" => "mm2",
        "1/s/mm²" => "per_s_mm2",
        "1/J" => "per_j",
        "mJ·ms" => "mj_ms",
        _ => unit.ToLowerInvariant(),
    };
}
