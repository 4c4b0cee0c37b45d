using Apollo.Compiler.Workloads;
using Apollo.Configuration;
using Apollo.Search.Objective;
using Apollo.Search.Optimizers;
using Apollo.Search.Studies;
using Apollo.Simulator.Template;

namespace Apollo.Cli.Commands;

/// <summary>A study ready to run: its runner and what the start-up line reports about it.</summary>
public sealed record PreparedStudy(SearchConfig Config, StudyRunner Runner, TemplateSpace Template, int WorkloadCount)
{
    /// <summary>What each transfer source contributed (empty for a cold start).</summary>
    public IReadOnlyList<PriorSummary> Priors { get; init; } = [];
}

/// <summary>
/// What a study scores its trials with: its space (whose technology prices every point), its workloads, and the
/// objective over them (baseline, workload weights, area budget). <c>search</c> and <c>evaluate --config</c> both
/// get it from <see cref="StudySetup.Scoring(SearchConfig)"/>, so an outside optimizer is told the reward a study would store.
/// </summary>
public sealed record StudyScoring(TemplateSpace Template, IReadOnlyList<Workload> Workloads, DesignObjective Objective);

/// <summary>
/// Checks a resolved search config against its files (space, baseline, workloads, weights, optimizer options,
/// a feasible baseline) and wires the study's runner. Shared by <c>search</c>, <c>sweep</c> and <c>sweep-cell</c>,
/// so that everything that can be wrong with a config is found before any database is touched.
/// </summary>
public sealed class StudySetup(TimeProvider clock)
{
    /// <exception cref="ConfigException">Any problem with the config or the files it names.</exception>
    public PreparedStudy Prepare(SearchConfig config, OptimizerRegistry registry)
    {
        var template = AcceleratorFiles.LoadSpace(config.SpaceFile);
        var adapter = new DesignSpaceAdapter(template);
        void CheckOptimizer() => _ = registry.Create(config.Optimizer, adapter.Space, config.Seed, registry.Parse(config.Optimizer, config.OptimizerOptions));
        if (config.Evaluator is not null)
        {
            var selected = SelectedWorkloads(config);
            var evaluator = ExternalEvaluators.Create(config, adapter, selected, CheckOptimizer, clock);
            // The a-priori check of an external study uses Apollo's area model (the evaluator's own area is known
            // only after it has run).
            var area = new Apollo.Simulator.Area.AreaModel(Technology.Load(template.TechnologyFile));
            bool WithinBudget(AcceleratorConfig c) => area.Estimate(c).TotalMm2 <= config.AreaBudgetMm2;
            // An outside evaluator's reward cannot be recomputed here: priors carry their stored rewards.
            var external = PriorStudyLoader.Load(config, adapter, null, selected.Select(w => w.Name).ToList());
            config = config with { Transfer = external.Sources.Count > 0 ? external.Sources : config.Transfer };
            var externalRunner = new StudyRunner(config, adapter, evaluator, registry, clock, WithinBudget) { Priors = external.Priors };
            return new PreparedStudy(config, externalRunner, template, evaluator.Baseline.Workloads.Count) { Priors = external.Summaries };
        }

        var scoring = Scoring(config, template, CheckOptimizer);
        var pareto = config.Objective.IsMultiObjective ? new ParetoScoring(config.Objective.Objectives, scoring.Objective.Reward.Baseline, config.WorkloadWeights) : null;
        var priors = PriorStudyLoader.Load(config, adapter, scoring.Objective.Reward, scoring.Workloads.Select(w => w.Name).ToList());
        config = config with { Transfer = priors.Sources.Count > 0 ? priors.Sources : config.Transfer };
        var runner = new StudyRunner(config, adapter, scoring.Objective, registry, clock) { Pareto = pareto, Priors = priors.Priors };
        return new PreparedStudy(config, runner, template, scoring.Workloads.Count) { Priors = priors.Summaries };
    }

    /// <summary>The study's space, workloads and objective; evaluates the baseline once.</summary>
    /// <exception cref="ConfigException">Any problem with the files the config names, or an infeasible baseline.</exception>
    public static StudyScoring Scoring(SearchConfig config) => Scoring(config, AcceleratorFiles.LoadSpace(config.SpaceFile), () => { });

    /// <summary>The scoring; <paramref name="checkBeforeBaseline"/> runs checks cheaper than evaluating the baseline (the optimizer's options).</summary>
    private static StudyScoring Scoring(SearchConfig config, TemplateSpace template, Action checkBeforeBaseline)
    {
        var baseline = AcceleratorFiles.LoadAccelerator(config.BaselineFile);
        var workloads = SelectedWorkloads(config);
        checkBeforeBaseline();
        var objective = EvaluationSetup.CreateObjective(Technology.Load(template.TechnologyFile), workloads, baseline, config.AreaBudgetMm2, config.WorkloadWeights, config.Objective);
        return new StudyScoring(template, workloads, objective);
    }

    /// <summary>The config's workloads; every weight must name one of them.</summary>
    private static IReadOnlyList<Workload> SelectedWorkloads(SearchConfig config)
    {
        var workloads = config.ResolveWorkloads(config.LoadWorkloadCatalog());
        foreach (var name in config.WorkloadWeights.Keys.Where(k => workloads.All(w => w.Name != k)))
        {
            throw new ConfigException(config.File, null, $"workload_weights.{name}", $"not one of the selected workloads: {string.Join(", ", workloads.Select(w => w.Name))}");
        }

        foreach (var (field, name) in config.Objective.NamedWorkloads().Where(n => workloads.All(w => w.Name != n.Workload)))
        {
            throw new ConfigException(config.File, null, field, $"not one of the selected workloads: {string.Join(", ", workloads.Select(w => w.Name))}");
        }

        return workloads;
    }
}
