using Apollo.Compiler.Evaluation;
using Apollo.Compiler.Workloads;
using Apollo.Search.Objective;
using Apollo.Search.Optimizers;
using Apollo.Search.Studies;
using Apollo.Search.Tests.Storage;
using Apollo.Simulator.Template;
using Apollo.Testing;

namespace Apollo.Search.Tests.Studies;

/// <summary>
/// How a real study run ends: random search on one workload, 24 trials in batches of 8, so each case
/// is a fraction of a second. Progress is reported before the first batch and after every batch, which
/// is where these tests move the clock or cancel.
/// </summary>
public sealed class StudyStopTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_run_without_stop_settings_ends_at_the_trial_budget()
    {
        var outcome = Runner("budget", stop: "", new ManualClock()).Run(resume: false, null, CancellationToken.None);
        Assert.Equal(new StopReason.TrialBudgetReached(24), outcome.StopReason);
        Assert.Equal(24, outcome.State.Trials);
    }

    [Fact]
    public void The_wall_clock_limit_is_read_from_the_study_clock()
    {
        // One minute per report: 1 min at the start, 2 after batch 1, 3 after batch 2 ≥ the 2.5-minute limit.
        var clock = new ManualClock();
        var progress = new SynchronousProgress<StudyState>(_ => clock.Advance(TimeSpan.FromMinutes(1)));
        var outcome = Runner("clock", "stop: {wall_clock_minutes: 2.5}", clock).Run(resume: false, progress, CancellationToken.None);
        Assert.Equal(new StopReason.WallClockLimitReached(TimeSpan.FromMinutes(2.5)), outcome.StopReason);
        Assert.Equal(16, outcome.State.Trials);
        Assert.Equal(TimeSpan.FromMinutes(3), outcome.State.Elapsed);
    }

    [Fact]
    public void Cancellation_between_batches_is_an_interruption_that_keeps_the_finished_batches()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<StudyState>(s =>
        {
            if (s.Trials == 8)
            {
                cancel.Cancel();
            }
        });
        var outcome = Runner("ctrl-c", stop: "", new ManualClock()).Run(resume: false, progress, cancel.Token);
        Assert.IsType<StopReason.Interrupted>(outcome.StopReason);
        Assert.Equal(8, outcome.State.Trials);

        // The study resumes to its budget.
        var resumed = Runner("ctrl-c", stop: "", new ManualClock()).Run(resume: true, null, CancellationToken.None);
        Assert.IsType<StopReason.TrialBudgetReached>(resumed.StopReason);
        Assert.Equal(8, resumed.ResumedTrials);
        Assert.Equal(24, resumed.State.Trials);
    }

    private StudyRunner Runner(string study, string stop, TimeProvider clock)
    {
        var path = _temp.File(study + ".yaml");
        File.WriteAllText(path, $"""
            study: {study}
            workloads: [mobilenet_v2]
            area_budget_mm2: 6.8
            optimizer: random
            trials: 24
            batch_size: 8
            seed: 1
            threads: 1
            database: {study}.db
            {stop}
            """);
        var config = SearchConfig.Load(path, _temp.Path, RepositoryPaths.Configs, OptimizerRegistry.Default);
        var template = AcceleratorFiles.LoadSpace(config.SpaceFile);
        var workloads = config.ResolveWorkloads(config.LoadWorkloadCatalog());
        var evaluator = new DesignEvaluator(Technology.Load(template.TechnologyFile), workloads);
        var objective = new DesignObjective(evaluator, AcceleratorFiles.LoadAccelerator(config.BaselineFile).Config, config.AreaBudgetMm2);
        return new StudyRunner(config, new DesignSpaceAdapter(template), objective, OptimizerRegistry.Default, clock);
    }
}
