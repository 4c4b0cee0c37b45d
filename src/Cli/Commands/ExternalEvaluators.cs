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
    public static ExternalEvaluator Create(SearchConfig config, DesignSpaceAdapter adapter, IReadOnlyList<Workload> workloads, Action checkBeforeBaseline, TimeProvider clock)
    {
        var settings = config.Evaluator ?? throw new ArgumentException("the config names no external evaluator", nameof(config));
        var baseline = AcceleratorFiles.LoadAccelerator(config.BaselineFile).Config.ToParameters().ToList();
        var folder = settings.StudyFolder(config.Database, config.Study);
        IEvaluatorLauncher launcher = settings.Backend == EvaluatorBackend.Slurm
            ? new SlurmEvaluatorLauncher(settings, SlurmEvaluatorLauncher.Options(settings), folder, clock)
            : new LocalEvaluatorLauncher(settings.Command, settings.Timeout, settings.Jobs);
        checkBeforeBaseline();
        var scoring = new ExternalScoring(config.Study, folder, config.WorkloadSearchPath, workloads.Select(w => w.Name).ToList(), config.WorkloadWeights, config.AreaBudgetMm2);
        return ExternalEvaluator.Create(config.File, adapter, scoring, baseline, launcher, CancellationToken.None);
    }
}
