using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Apollo.Cli.Output;
using Apollo.Compiler.Mapping;
using Apollo.Configuration;
using Apollo.Reports;
using Apollo.Search.Storage;
using Apollo.Simulator.Template;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary><c>apollo studies</c>, <c>apollo trials</c> and <c>apollo best</c>: read a study database.</summary>
public sealed class StoreCommands(CliStreams streams, ConfigLocator locator)
{
    public IEnumerable<Command> Build()
    {
        yield return Studies();
        yield return Trials();
        yield return Best();
        yield return new ParetoCommand(streams, locator).Build();
    }

    private Command Studies()
    {
        var db = DatabaseArgument();
        var format = OutputFormats.Option(OutputFormats.Table, OutputFormats.Json, OutputFormats.Csv);
        var command = new Command("studies", "List the studies in a database with their progress and best reward.") { db, format };
        command.SetAction((result, _) => Guard(() =>
        {
            using var store = Open(result.GetValue(db)!);
            var studies = store.ListStudies();
            var hypervolumes = studies.Select(s => store.LoadPareto(s.Study.Id)?.Hypervolume).ToList();
            switch (result.GetValue(format))
            {
                case OutputFormats.Json or OutputFormats.Csv:
                    OutputFormats.WriteRows(streams.Out, result.GetValue(format) == OutputFormats.Csv, StudyColumns, studies.Select((s, i) => StudyCells(s, hypervolumes[i])));
                    break;
                default:
                    var table = new Table().AddColumn("study").AddColumn("optimizer").AddColumn(new TableColumn("seed").RightAligned())
                        .AddColumn(new TableColumn("area budget mm²").RightAligned()).AddColumn(new TableColumn("trials").RightAligned())
                        .AddColumn(new TableColumn("feasible").RightAligned()).AddColumn(new TableColumn("best reward").RightAligned()).AddColumn("created").AddColumn("sources");
                    var anyPareto = hypervolumes.Any(h => h is not null); // the column only when it has a value, so single-objective tables stay as they were
                    if (anyPareto)
                    {
                        table.AddColumn(new TableColumn("hypervolume").RightAligned());
                    }

                    foreach (var (s, hv) in studies.Zip(hypervolumes))
                    {
                        var d = s.Study.Definition;
                        string[] cells =
                        [
                            Markup.Escape(d.Name), Markup.Escape(d.Optimizer), d.Seed.ToString(CultureInfo.InvariantCulture), StoreViews.F(d.AreaBudgetMm2, "G"),
                            $"{s.Trials}/{d.RequestedTrials}", s.Feasible.ToString(CultureInfo.InvariantCulture), StoreViews.F(s.BestReward, "F4"),
                            s.Study.CreatedAt.ToString("u", CultureInfo.InvariantCulture), Markup.Escape(Sources(d)),
                            .. anyPareto ? [hv is { } h ? StoreViews.F(h, "F4") : "-"] : Array.Empty<string>(),
                        ];
                        table.AddRow(cells);
                    }

                    streams.CreateConsole().Write(table);
                    break;
            }
        }));
        return command;
    }

    /// <summary>The columns of <c>studies --format csv</c>, and the keys of its JSON lines.</summary>
    private static readonly string[] StudyColumns =
        ["study", "optimizer", "seed", "area_budget_mm2", "trials", "requested_trials", "feasible", "best_reward", "best_trial", "created", "sources", "hypervolume"];

    /// <summary>The study's transfer sources (<c>study@database</c>, "; "-separated), empty for a cold start.</summary>
    private static string Sources(StudyDefinition d) => string.Join("; ", Apollo.Search.Studies.SearchConfig.TransferSourcesOf(d.ConfigSnapshot));

    // hypervolume: a multi-objective study's after its last batch; null for a single-objective one.
    private static IReadOnlyList<object?> StudyCells(StudySummary s, double? hypervolume)
    {
        var d = s.Study.Definition;
        return [d.Name, d.Optimizer, d.Seed, d.AreaBudgetMm2, s.Trials, d.RequestedTrials, s.Feasible, s.BestReward, s.BestTrialNumber, s.Study.CreatedAt.ToString("O", CultureInfo.InvariantCulture), Sources(d), hypervolume];
    }

    private Command Trials()
    {
        var db = DatabaseArgument();
        var study = StudyOption();
        var format = OutputFormats.Option(OutputFormats.Table, OutputFormats.Csv, OutputFormats.Json);
        var command = new Command("trials", "List the trials of a study: parameters, status, reward, area, infeasibility reason.") { db, study, format };
        command.SetAction((result, _) => Guard(() =>
        {
            using var store = Open(result.GetValue(db)!);
            var info = SelectStudy(store, result.GetValue(study));
            var trials = store.LoadTrials(info.Id);
            switch (result.GetValue(format))
            {
                case "csv":
                    WriteCsv(trials);
                    break;
                case "json":
                    foreach (var t in trials)
                    {
                        streams.Out.WriteLine(Json(t).ToJsonString(EvaluationJson.Options));
                    }

                    break;
                default:
                    var table = new Table().Title(Markup.Escape($"{info.Definition.Name}: {trials.Count} trials"))
                        .AddColumn(new TableColumn("number").RightAligned()).AddColumn("status").AddColumn(new TableColumn("reward").RightAligned())
                        .AddColumn(new TableColumn("area mm²").RightAligned()).AddColumn("parameters").AddColumn("level / reason").AddColumn("proposer");
                    foreach (var t in trials)
                    {
                        var d = Describe(t.Outcome);
                        table.AddRow(t.Number.ToString(CultureInfo.InvariantCulture), t.Status.ToString().ToLowerInvariant(), StoreViews.F(t.Reward, "F4"),
                            t.AreaMm2 is { } a ? StoreViews.F(a, "F3") : "-",
                            Markup.Escape(string.Join(" ", t.Parameters.Select(p => StoreViews.F(p.Value, "G")))),
                            Markup.Escape(d.Level ?? d.Reason ?? ""), Markup.Escape(t.Proposer));
                    }

                    streams.CreateConsole().Write(table);
                    break;
            }
        }));
        return command;
    }

    private Command Best()
    {
        var db = DatabaseArgument();
        var study = StudyOption();
        var format = OutputFormats.Option(OutputFormats.Table, "yaml", OutputFormats.Json, OutputFormats.Csv);
        var command = new Command("best", "Show the best design of a study; --format yaml|json writes it as an accelerator file for evaluate --accelerator.") { db, study, format };
        command.SetAction((result, _) => Guard(() =>
        {
            using var store = Open(result.GetValue(db)!);
            var info = SelectStudy(store, result.GetValue(study));
            var name = info.Definition.Name;
            ParetoCommand.RefuseMultiObjective(store, info, "best");
            var best = store.BestTrial(info.Id);
            switch (result.GetValue(format))
            {
                case OutputFormats.Table when best is not null:
                    StoreViews.WriteTrial(streams.CreateConsole(), $"{name}: best design (trial {best.Number})", best);
                    break;
                case OutputFormats.Table:
                    streams.CreateConsole().MarkupLine($"study '{Markup.Escape(name)}' has no feasible trial yet");
                    break;
                case OutputFormats.Csv:
                    WriteCsv(best is null ? [] : [best]);
                    break;
                case var _ when best is null:
                    throw new ConfigException(store.Path, null, "--study", $"study '{name}' has no feasible trial yet, so there is no design to write");
                case OutputFormats.Json:
                    OutputFormats.WriteJson(streams.Out, AcceleratorFileText.Json(name, best, StudyTechnology(info)));
                    break;
                default:
                    streams.Out.Write(AcceleratorFileText.Yaml(name, best, StudyTechnology(info)));
                    break;
            }
        }));
        return command;
    }

    /// <summary>The technology file a study priced its designs with: its space's, from the config stored with it.</summary>
    private static string StudyTechnology(StudyInfo info)
    {
        var source = $"<study '{info.Definition.Name}'>";
        var snapshot = YamlNode.Parse(info.Definition.ConfigSnapshot, source);
        var space = snapshot.GetString("space");
        return ConfigFile.Problem(space) is { } problem
            ? throw new ConfigException(source, null, "space", $"the study's search space '{space}' cannot be read ({problem}), so its technology is unknown")
            : AcceleratorFiles.LoadSpace(space).TechnologyFile;
    }

    private void WriteCsv(IReadOnlyList<TrialRecord> trials)
    {
        var names = trials.Count > 0 ? trials[0].Parameters.Select(p => p.Key).ToList() : [];
        var workloads = trials.SelectMany(t => t.Metrics.Select(m => m.Workload)).Distinct().ToList();
        string[] header =
        [
            "number", "batch", "status", "reward", "area_mm2", "stage", "level", "workload", "layer", "needed", "available", "unit",
            "reason", "proposer", "evaluation_ms", .. names, .. workloads.Select(w => w + "_latency_s"),
        ];
        using var table = new CsvTable(streams.Out, header);
        foreach (var t in trials)
        {
            var d = Describe(t.Outcome);
            var metrics = workloads.Select(w => (object?)t.Metrics.FirstOrDefault(m => m.Workload == w)?.LatencySeconds);
            table.WriteRow(
            [
                t.Number, t.Batch, t.Status.ToString().ToLowerInvariant(), t.Reward, t.AreaMm2, d.Stage, d.Level, d.Workload, d.Layer, d.Needed, d.Available, d.Unit,
                d.Reason, t.Proposer, Math.Round(t.EvaluationMilliseconds, 3), .. t.Parameters.Select(p => (object?)p.Value), .. metrics,
            ]);
        }
    }

    /// <summary>The reason columns of the CSV and JSON (docs/cli.md), from the outcome; null where they do not apply.</summary>
    private static ReasonColumns Describe(TrialOutcome outcome) => outcome switch
    {
        TrialOutcome.Infeasible { Reason: var r } => new(r.Stage.Text(), r.Level.Text(), r.Workload, r.Layer, r.Needed, r.Available, r.Unit, r.Message),
        TrialOutcome.Failed f => new(TrialOutcome.Failed.StageText, null, null, null, null, null, null, f.Error),
        _ => new(null, null, null, null, null, null, null, null),
    };

    private sealed record ReasonColumns(
        string? Stage, string? Level, string? Workload, string? Layer, double? Needed, double? Available, string? Unit, string? Reason);

    private static JsonObject Json(TrialRecord t)
    {
        var d = Describe(t.Outcome);
        return new JsonObject
        {
            ["number"] = t.Number,
            ["batch"] = t.Batch,
            ["status"] = t.Status.ToString().ToLowerInvariant(),
            ["reward"] = t.Reward,
            ["area_mm2"] = t.AreaMm2,
            ["parameters"] = EvaluationJson.Object(t.Parameters),
            ["stage"] = d.Stage,
            ["level"] = d.Level,
            ["layer"] = d.Layer,
            ["reason"] = d.Reason,
            ["workload"] = d.Workload,
            ["needed"] = d.Needed,
            ["available"] = d.Available,
            ["unit"] = d.Unit,
            ["proposer"] = t.Proposer,
            ["evaluation_ms"] = t.EvaluationMilliseconds,
            ["workloads"] = new JsonArray(t.Metrics.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = m.Workload,
                ["latency_s"] = m.LatencySeconds,
                ["throughput_per_s"] = m.ThroughputPerSecond,
                ["speedup"] = m.Speedup,
                ["energy_j"] = m.EnergyJoules,
                ["power_w"] = m.PowerWatts,
            }).ToArray()),
        };
    }

    internal static Argument<string> DatabaseArgument() => new("database") { Description = "SQLite database written by apollo search." };

    internal static Option<string?> StudyOption() => new("--study") { Description = "Study name (default: the only study in the database)." };

    private TrialStore Open(string path) => TrialStore.OpenReadOnly(locator.UserPath(path));

    internal static StudyInfo SelectStudy(TrialStore store, string? name)
    {
        if (name is not null)
        {
            return store.FindStudy(name) ?? throw new ConfigException(store.Path, null, "--study",
                $"no study named '{name}'; studies: {string.Join(", ", store.ListStudies().Select(s => s.Study.Definition.Name))}");
        }

        var all = store.ListStudies();
        return all.Count switch
        {
            1 => all[0].Study,
            0 => throw new ConfigException(store.Path, null, "--study", "the database holds no study"),
            _ => throw new ConfigException(store.Path, null, "--study", $"the database holds {all.Count} studies; name one with --study: {string.Join(", ", all.Select(s => s.Study.Definition.Name))}"),
        };
    }

    private Task<int> Guard(Action body) => CommandErrors.Guard(streams, () =>
    {
        body();
        return Task.FromResult(CommandErrors.Ok);
    });
}
