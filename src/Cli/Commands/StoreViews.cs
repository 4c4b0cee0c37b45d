using System.Globalization;
using Apollo.Search.Storage;
using Apollo.Search.Studies;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary>Shared renderings of studies and trials.</summary>
public static class StoreViews
{
    public static void WriteOutcome(IAnsiConsole console, StudyOutcome outcome, string database)
    {
        var s = outcome.State;
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"stopped: {outcome.StopReason.Message}; {s.Trials} trials ({outcome.ResumedTrials} resumed), {s.Feasible} feasible, {s.Elapsed.TotalSeconds:F1} s")));
        if (outcome.Best is { } best)
        {
            WriteTrial(console, $"best design (trial {best.Number})", best);
        }
        else
        {
            console.MarkupLine("no feasible design found yet");
        }

        console.MarkupLine($"database: [bold]{Markup.Escape(database)}[/]");
        console.MarkupLine(Markup.Escape($"next: apollo trials {database} --study {outcome.Study.Definition.Name}"));
    }

    public static void WriteTrial(IAnsiConsole console, string title, TrialRecord trial)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumn("field").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("reward", F(trial.Reward, "F4"));
        table.AddRow("area mm²", trial.AreaMm2 is { } a ? F(a, "F3") : "-");
        foreach (var (name, value) in trial.Parameters)
        {
            table.AddRow(Markup.Escape(name), F(value, "G"));
        }

        foreach (var m in trial.Metrics)
        {
            table.AddRow(Markup.Escape($"{m.Workload} latency ms"), F(m.LatencySeconds * 1e3, "F3"));
        }

        table.AddRow("proposer", Markup.Escape(trial.Proposer));
        console.Write(table);
    }

    public static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
