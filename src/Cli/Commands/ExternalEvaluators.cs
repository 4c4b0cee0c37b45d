using Apollo.Compiler.Workloads;
using Apollo.Search.Studies;
using Apollo.Simulator.Template;

namespace Apollo.Cli.Commands;

/// <summary>Wires a config's <c>evaluator</c> field: the launcher of its backend and the evaluator with its baseline.</summary>
public static class ExternalEvaluators
{
    /// <summary>
    /// The study's external evaluator; evaluates the baseline (before the database is opened), after
    /// <paramref name="checkBeforeBaseline"/> ran the cheaper checks.
    /// </summary>
    public static ExternalEvaluator Create(SearchConfig config, DesignSpaceAdapter adapter, IReadOnlyList<Workload> workloads, Action checkBeforeBaseline)
    {
        var settings = config.Evaluator ?? throw new ArgumentException("the config names no external evaluator", nameof(config));
        var baseline = AcceleratorFiles.LoadAccelerator(config.BaselineFile).Config.ToParameters().ToList();
        checkBeforeBaseline();
        var scoring = new ExternalScoring(config.Study, settings.StudyFolder(config.Database, config.Study), config.WorkloadDirectory, workloads.Select(w => w.Name).ToList(), config.WorkloadWeights, config.AreaBudgetMm2);
        return ExternalEvaluator.Create(config.File, adapter, scoring, baseline, Launcher(settings, scoring.Folder), CancellationToken.None);
    }

    private static IEvaluatorLauncher Launcher(EvaluatorSettings settings, string folder) => settings.Backend switch
    {
        EvaluatorBackend.Slurm => throw new NotSupportedException("slurm backend: not yet"),
        _ => new LocalEvaluatorLauncher(settings.Command, settings.Timeout, settings.Jobs),
    };
}
