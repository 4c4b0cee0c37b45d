using System.CommandLine;
using Apollo.Cli.Output;
using Apollo.Compiler.Workloads;
using Apollo.Configuration;
using Apollo.Search.Objective;
using Apollo.Search.Optimizers;
using Apollo.Search.Studies;
using Apollo.Simulator.Template;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary>
/// <c>apollo evaluate</c>: one design point from a file, or a JSON-lines stream from stdin (--batch); with --config,
/// scored exactly as the search config's study scores its trials.
/// </summary>
public sealed class EvaluateCommand(CliStreams streams, ConfigLocator locator)
{
    private readonly Option<string?> _accelerator = new("--accelerator") { Description = "Accelerator YAML file (see configs/accelerators/baseline.yaml)." };
    private readonly Option<string?> _workloads = new("--workloads") { Description = "Comma-separated workload names (see configs/workloads)." };
    private readonly Option<string?> _workloadSet = new("--workload-set") { Description = "A named workload set from configs/workloads/sets.yaml (default: all)." };
    private readonly Option<string[]> _workloadDir = WorkloadsCommand.DirectoryOption();
    private readonly Option<double?> _budget = new("--budget") { Description = "Area budget in mm²; points above it are infeasible (default: none; with --config, the config's)." };
    private readonly Option<double?> _powerBudget = new("--power-budget") { Description = "Power budget in W: a point whose average power on a workload exceeds it is infeasible (default: none; with --config, the config's)." };
    private readonly Option<bool> _perLayer = new("--per-layer") { Description = "Show every layer's mapping and cycle breakdown." };
    private readonly Option<string> _format = new("--format") { Description = "Output format.", DefaultValueFactory = _ => "table" };
    private readonly Option<bool> _batch = new("--batch") { Description = "Read design points as JSON lines from stdin, answer each line as soon as it is evaluated (in input order)." };
    private readonly Option<string?> _space = new("--space") { Description = "Search space YAML the points must lie in (default: configs/accelerators/space.yaml)." };
    private readonly Option<string?> _baseline = new("--baseline") { Description = "Baseline accelerator YAML that defines reward 1.0 (default: configs/accelerators/baseline.yaml)." };
    private readonly Option<string?> _config = new("--config") { Description = "Search config YAML: score as its study does (space, workloads, weights, baseline, area budget)." };
    private readonly Option<int?> _threads = new("--threads") { Description = "Points evaluated at once in --batch mode (default 0: all cores)." };

    public Command Build()
    {
        _format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("evaluate", "Compile and simulate a design point: area, per-workload latency and throughput, reward, or why it is infeasible.")
        {
            _accelerator, _workloads, _workloadSet, _workloadDir, _budget, _powerBudget, _perLayer, _format, _batch, _space, _baseline, _config, _threads,
        };
        command.SetAction((result, cancellation) => CommandErrors.Guard(streams, () => Run(result, cancellation)));
        return command;
    }

    /// <summary>What points are checked against and scored with, from the options or from a search config.</summary>
    private sealed record Scoring(TemplateSpace Space, DesignObjective Objective, double? Budget, string? Study);

    private async Task<int> Run(ParseResult result, CancellationToken cancellation)
    {
        var budget = CliValues.Budget(result.GetValue(_budget));
        var threads = CliValues.Threads(result.GetValue(_threads));
        var batch = result.GetValue(_batch);
        if (threads is not null && !batch)
        {
            throw CliValues.Bad("--threads", "only --batch evaluates points in parallel; give --threads with --batch");
        }

        if (batch && result.GetValue(_accelerator) is not null)
        {
            throw new ConfigException("<command line>", null, "--accelerator", "--batch reads design points from stdin; do not give --accelerator");
        }

        AcceleratorDefinition? accelerator = null;
        Scoring scoring;
        if (result.GetValue(_config) is { } configPath)
        {
            accelerator = batch ? null : LoadAccelerator(result);
            scoring = ConfigScoring(result, locator.UserPath(configPath), budget);
        }
        else
        {
            scoring = OptionScoring(result, budget, batch, out accelerator);
        }

        if (accelerator is null)
        {
            var jobs = threads is null or 0 ? Environment.ProcessorCount : threads.Value;
            return await new BatchEvaluation(streams, scoring.Space, scoring.Objective, scoring.Budget, scoring.Study, jobs).Run(cancellation);
        }

        scoring.Space.Validate(accelerator.Config, (field, problem) => new ConfigException(accelerator.File, accelerator.ParameterLines.GetValueOrDefault(field), $"parameters.{field}", problem));
        var scored = scoring.Objective.Score(accelerator.Config);
        if (result.GetValue(_format) == "json")
        {
            await streams.Out.WriteLineAsync(EvaluationJson.Build(scored, scoring.Budget, result.GetValue(_perLayer), scoring.Study).ToJsonString(EvaluationJson.Options));
        }
        else
        {
            EvaluationTable.Write(streams.CreateConsole(), accelerator.Name, scored, scoring.Budget, result.GetValue(_perLayer), scoring.Study, scoring.Objective.Reward.Kind);
        }

        return CommandErrors.Ok;
    }

    /// <summary>
    /// The options' scoring. A single point is priced with its own file's technology, a batch with the space's; the
    /// baseline with the same technology, without a budget.
    /// </summary>
    private Scoring OptionScoring(ParseResult result, double? budget, bool batch, out AcceleratorDefinition? accelerator)
    {
        var space = AcceleratorFiles.LoadSpace(result.GetValue(_space) is { } s ? locator.UserPath(s) : locator.DefaultSpace);
        var baseline = AcceleratorFiles.LoadAccelerator(result.GetValue(_baseline) is { } b ? locator.UserPath(b) : locator.DefaultBaseline);
        var catalog = WorkloadCatalog.Load(locator.WorkloadSearchPath(result.GetValue(_workloadDir)));
        var workloads = EvaluationSetup.SelectWorkloads(catalog, result.GetValue(_workloads), result.GetValue(_workloadSet));
        accelerator = batch ? null : LoadAccelerator(result);
        var technology = Technology.Load(accelerator?.TechnologyFile ?? space.TechnologyFile);
        var settings = ObjectiveSettings.Default.WithPowerBudget(ObjectiveSettings.CheckPowerBudget(result.GetValue(_powerBudget)));
        return new Scoring(space, EvaluationSetup.CreateObjective(technology, workloads, baseline, budget, null, settings), budget, null);
    }

    private AcceleratorDefinition LoadAccelerator(ParseResult result) =>
        AcceleratorFiles.LoadAccelerator(locator.UserPath(
            result.GetValue(_accelerator) ?? throw new ConfigException("<command line>", null, "--accelerator", "required (or use --batch to read points from stdin)")));

    /// <summary>
    /// A study's scoring, from the same <see cref="StudySetup.Scoring(SearchConfig)"/> that <c>search</c> uses: its
    /// space and that space's technology, workloads, weights, baseline and area budget (which <c>--budget</c> overrides
    /// as it does for <c>search</c>). Options that the config decides are refused rather than silently ignored.
    /// </summary>
    private Scoring ConfigScoring(ParseResult result, string path, double? budget)
    {
        foreach (var option in new Option[] { _workloads, _workloadSet, _workloadDir, _space, _baseline })
        {
            if (result.GetResult(option) is { Implicit: false })
            {
                throw CliValues.Bad(option.Name, "the search config given with --config decides this; edit the config (or drop --config) instead");
            }
        }

        var registry = OptimizerRegistry.Default;
        var config = SearchConfig.Load(path, locator.WorkingDirectory, locator.ConfigsRoot, registry)
            .With(null, null, null, budget, null, locator.WorkingDirectory, registry)
            .WithPowerBudget(result.GetValue(_powerBudget));
        if (config.Evaluator is not null)
        {
            // The built-in model's reward would not be the one the study stores.
            throw CliValues.Bad("--config", $"{path} scores its trials with an external evaluator ({CliValues.Echo(config.Evaluator.Command)}); run that command on the point instead (docs/evaluators.md)");
        }

        var study = StudySetup.Scoring(config);
        return new Scoring(study.Template, study.Objective, config.AreaBudgetMm2, config.Study);
    }
}
