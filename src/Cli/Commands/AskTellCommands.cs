using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Apollo.Cli.Output;
using Apollo.Configuration;
using Apollo.Search.Optimizers;
using Apollo.Search.Storage;
using Apollo.Search.Studies;
using Apollo.Simulator.Template;

namespace Apollo.Cli.Commands;

/// <summary>
/// <c>apollo ask</c> and <c>apollo tell</c>: a study driven from the shell, one process per call (Optuna's CLI;
/// docs/cli.md). <see cref="AskTellStudy"/> keeps the optimizer's state in the store; this class finds the study's
/// config, holds the study's writer lock for the call, and reads and writes the JSON.
/// </summary>
public sealed class AskTellCommands(CliStreams streams, ConfigLocator locator, TimeProvider clock)
{
    /// <summary>Most points one ask hands out.</summary>
    public const int MaxCount = SearchConfig.MaxBatchSize;

    public IEnumerable<Command> Build()
    {
        yield return Ask();
        yield return Tell();
    }

    private Command Ask()
    {
        var db = DatabaseArgument();
        var study = StudyOption();
        var config = ConfigOption();
        var count = new Option<int>("--count") { Description = $"Points to hand out (1 to {MaxCount}); pending points come first.", DefaultValueFactory = _ => 1 };
        var format = new Option<string>("--format") { Description = "Output format: json (one line per point) or table.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "table");
        var command = new Command("ask", "Hand out design points of a study to evaluate elsewhere; they stay pending until told.") { db, study, config, count, format };
        command.SetAction((result, _) => CommandErrors.Guard(streams, () =>
        {
            var n = CliValues.InRange(result.GetValue(count), "--count", 1, MaxCount);
            using var session = Open(result.GetValue(db)!, result.GetValue(study)!, result.GetValue(config));
            var asked = session.Driver.Ask(session.Store, session.Study, n);
            foreach (var a in asked)
            {
                streams.Out.WriteLine(result.GetValue(format) == "json"
                    ? new JsonObject
                    {
                        ["trial"] = a.Number,
                        ["batch"] = a.Batch,
                        ["parameters"] = EvaluationJson.Object(a.Parameters),
                        ["proposer"] = a.Proposer,
                        ["study"] = session.Study.Definition.Name,
                    }.ToJsonString(EvaluationJson.Options)
                    : string.Create(CultureInfo.InvariantCulture, $"trial {a.Number}  ") + string.Join("  ", a.Parameters.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value:R}"))));
            }

            return Task.FromResult(CommandErrors.Ok);
        }));
        return command;
    }

    private Command Tell()
    {
        var db = DatabaseArgument();
        var study = StudyOption();
        var config = ConfigOption();
        var trial = new Option<int>("--trial") { Description = "Number of the pending trial, as ask printed it.", Required = true };
        var resultFile = new Option<string>("--result") { Description = "Result JSON file, or - for stdin: what 'evaluate --config SEARCH.yaml --format json' prints, or {\"feasible\": false, \"stage\": ..., \"reason\": ...}.", Required = true };
        var command = new Command("tell", "Record the outcome of a pending trial (metrics, or infeasible with a reason); the study scores it.") { db, study, config, trial, resultFile };
        command.SetAction((result, _) => CommandErrors.Guard(streams, async () =>
        {
            var number = CliValues.InRange(result.GetValue(trial), "--trial", 0, int.MaxValue);
            var path = result.GetValue(resultFile)!;
            var (text, source) = path == "-" ? (await streams.In.ReadToEndAsync(), "<stdin>") : (await ReadFile(locator.UserPath(path)), locator.UserPath(path));
            using var session = Open(result.GetValue(db)!, result.GetValue(study)!, result.GetValue(config));
            var asked = session.Store.LoadAsked(session.Study.Id).FirstOrDefault(a => a.Number == number)
                ?? throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"Trial {number} of study '{session.Study.Definition.Name}' in '{session.Store.Path}' was never asked; nothing was written."));
            if (!asked.IsPending)
            {
                throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"Trial {number} of study '{session.Study.Definition.Name}' was told already (tell {asked.TellIndex + 1}); a trial is told once. Nothing was written."));
            }

            var scoring = StudySetup.Scoring(session.Config);
            var told = TellResult.Parse(SingleObject(text, source), source, asked.Parameters, scoring.Workloads.Select(w => w.Name).ToList(), scoring.Objective.Reward);
            var record = session.Driver.Tell(session.Store, session.Study, number, told.Outcome);
            if (told.GivenReward is { } given && !given.Equals(record.Reward))
            {
                await streams.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"warning: the result says reward {given:R}, the study scores it {record.Reward:R}; stored the study's (was it evaluated with --config and this study's config?)"));
            }

            await streams.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"trial {number} of study '{session.Study.Definition.Name}': {record.Status.ToString().ToLowerInvariant()}, reward {record.Reward:R}"));
            return CommandErrors.Ok;
        }));
        return command;
    }

    /// <summary>The store, lock, study and config of one call; disposing releases the lock and closes the store.</summary>
    private sealed record Session(TrialStore Store, StudyWriterLock Lock, StudyInfo Study, SearchConfig Config, AskTellStudy Driver) : IDisposable
    {
        public void Dispose()
        {
            Lock.Dispose();
            Store.Dispose();
        }
    }

    /// <summary>
    /// Opens the study, creating it from <paramref name="configPath"/> on first use. Later calls may omit the config:
    /// it is read again from the file the study was created from, and must still give the study's settings.
    /// </summary>
    private Session Open(string database, string name, string? configPath)
    {
        var registry = OptimizerRegistry.Default;
        var store = TrialStore.Open(locator.UserPath(database));
        try
        {
            var writer = store.AcquireWriter(name);
            try
            {
                var existing = store.FindStudy(name);
                var file = configPath is not null ? locator.UserPath(configPath)
                    : existing is not null ? CreatedFrom(existing)
                    : throw CliValues.Bad("--config", $"study '{name}' does not exist in {store.Path}; give --config SEARCH.yaml to create it");
                var config = SearchConfig.Load(file, locator.WorkingDirectory, locator.ConfigsRoot, registry) with { Study = name, Database = store.Path };
                if (config.Transfer.Count > 0)
                {
                    // Priors would have to be re-read and primed on every ask; not supported (docs/cli.md).
                    throw new ConfigException(file, null, "transfer", "ask/tell studies do not support transfer yet; run the study with 'apollo search', or remove 'transfer'");
                }

                _ = registry.Parse(config.Optimizer, config.OptimizerOptions);
                if (config.Objective.IsMultiObjective)
                {
                    // The ask/tell log stores no objective vectors or hypervolume; run such a study with 'apollo search'.
                    throw CliValues.Bad("--config", $"{file} is a multi-objective study (objectives:); ask/tell runs single-objective studies only; run it with 'apollo search'");
                }

                var template = AcceleratorFiles.LoadSpace(config.SpaceFile);
                StudyInfo study;
                if (existing is null)
                {
                    _ = StudySetup.Scoring(config); // every file the config names, and a feasible baseline, before the study exists
                    study = store.CreateStudy(new StudyDefinition(name, config.Optimizer, config.Seed, config.AreaBudgetMm2, config.Trials, config.BatchSize, config.Snapshot()));
                }
                else
                {
                    CheckSameSettings(existing.Definition, config);
                    study = existing;
                    if (config.Trials != existing.Definition.RequestedTrials)
                    {
                        // As for search --resume: the config's trials is the budget, so raising it extends the study.
                        store.SetRequestedTrials(existing.Id, config.Trials);
                        study = existing with { Definition = existing.Definition with { RequestedTrials = config.Trials } };
                    }
                }

                return new Session(store, writer, study, config, new AskTellStudy(config, new DesignSpaceAdapter(template), registry, clock));
            }
            catch
            {
                writer.Dispose();
                throw;
            }
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>The config file a study was created from: the first line of its snapshot.</summary>
    private static string CreatedFrom(StudyInfo study)
    {
        const string Prefix = "# resolved from ";
        var first = study.Definition.ConfigSnapshot.Split('\n')[0];
        return first.StartsWith(Prefix, StringComparison.Ordinal) && File.Exists(first[Prefix.Length..].TrimEnd('\r'))
            ? first[Prefix.Length..].TrimEnd('\r')
            : throw CliValues.Bad("--config", $"study '{study.Definition.Name}' was created from a config that is not there any more ({CliValues.Echo(first)}); give --config SEARCH.yaml with the study's settings");
    }

    private static void CheckSameSettings(StudyDefinition stored, SearchConfig config)
    {
        var before = SearchConfig.ResumeSettings(stored.ConfigSnapshot);
        foreach (var (field, now) in SearchConfig.ResumeSettings(config.Snapshot()))
        {
            var then = before.GetValueOrDefault(field, "(not set)");
            if (then != now)
            {
                throw new ConfigException(config.File, null, field, $"study '{stored.Name}' was created with {field} = {then}, this config gives {now}; an ask/tell study keeps its settings");
            }
        }
    }

    private static async Task<string> ReadFile(string path)
    {
        try
        {
            return await File.ReadAllTextAsync(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliValues.Bad("--result", $"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>The one non-blank line (or multi-line object) of a result; two JSON lines are two results, and refused.</summary>
    private static string SingleObject(string text, string source)
    {
        var lines = text.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        if (lines.Count > 1 && lines.All(l => l.TrimStart().StartsWith('{') && l.TrimEnd().EndsWith('}')))
        {
            throw new ConfigException(source, null, "result", $"{lines.Count} JSON lines; tell takes the result of one trial");
        }

        return text;
    }

    private static Argument<string> DatabaseArgument() => new("database") { Description = "SQLite database of the study (created if missing)." };

    private static Option<string> StudyOption() => new("--study") { Description = "Study name.", Required = true };

    private static Option<string?> ConfigOption() => new("--config") { Description = "Search config YAML (space, optimizer, seed, trials); needed to create the study, optional after." };
}
