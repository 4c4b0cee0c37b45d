using System.CommandLine;
using System.Globalization;
using Apollo.Search;
using Apollo.Search.Optimizers;
using Apollo.Search.Storage;
using Apollo.Search.Studies;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary><c>apollo search</c>: run (or resume) one study from a search config.</summary>
public sealed class SearchCommand(CliStreams streams, ConfigLocator locator, TimeProvider clock)
{
    private readonly Argument<string?> _config = new("config") { Description = "Search config YAML (default: configs/searches/quickstart.yaml).", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string?> _optimizer = new("--optimizer") { Description = $"Override the optimizer ({string.Join(", ", OptimizerRegistry.Default.Names)})." };
    private readonly Option<int?> _trials = new("--trials") { Description = "Override the number of trials." };
    private readonly Option<int?> _seed = new("--seed") { Description = "Override the random seed." };
    private readonly Option<double?> _budget = new("--budget") { Description = "Override the area budget in mm²." };
    private readonly Option<double?> _powerBudget = new("--power-budget") { Description = "Override the power budget in W (constraints.power_w): a point whose average power on a workload exceeds it is infeasible." };
    private readonly Option<string?> _db = new("--db") { Description = "Override the SQLite database path." };
    private readonly Option<string?> _study = new("--study") { Description = "Override the study name (e.g. several studies of one config in one database)." };
    private readonly Option<bool> _resume = new("--resume") { Description = "Continue the study stored in the database instead of refusing to touch it." };
    private readonly Option<string[]> _transferFrom = new("--transfer-from") { Description = "Warm-start from a prior study DB[:STUDY] (repeatable; after the config's transfer list; STUDY may be left out when the database holds one).", AllowMultipleArgumentsPerToken = false };
    private readonly Option<bool> _noReport = new("--no-report") { Description = "Do not write the HTML report (t-SNE map and figures) at the end." };

    public Command Build()
    {
        _optimizer.CompletionSources.Add(OptimizerRegistry.Default.Names.ToArray());
        var command = new Command("search", "Run a design-space search study and log every trial to SQLite.")
        {
            _config, _optimizer, _trials, _seed, _budget, _powerBudget, _db, _study, _transferFrom, _resume, _noReport,
        };
        command.SetAction((result, cancellation) => CommandErrors.Guard(streams, () => Task.FromResult(Run(result, cancellation))));
        return command;
    }

    private int Run(ParseResult result, CancellationToken cancellation)
    {
        var trials = CliValues.InRange(result.GetValue(_trials), "--trials", 1, int.MaxValue);
        var budget = CliValues.Budget(result.GetValue(_budget));
        var study = CliValues.StudyName(result.GetValue(_study));
        var registry = OptimizerRegistry.Default;
        var path = result.GetValue(_config) is { } c ? locator.UserPath(c) : locator.Config("searches", "quickstart.yaml");
        var config = SearchConfig.Load(path, locator.WorkingDirectory, locator.ConfigsRoot, registry)
            .With(result.GetValue(_optimizer), trials, result.GetValue(_seed), budget, result.GetValue(_db), locator.WorkingDirectory, registry)
            .WithPowerBudget(result.GetValue(_powerBudget))
            .WithTransferFrom(result.GetValue(_transferFrom) ?? [], locator.WorkingDirectory);
        config = study is null ? config : config with { Study = study };

        // Everything that can be wrong with the config is found before the database is touched.
        var prepared = new StudySetup(clock).Prepare(config, registry);
        var (_, runner, template, workloadCount) = prepared;
        config = prepared.Config;

        var console = streams.CreateConsole();
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"study '{config.Study}': {config.Optimizer}, {config.Trials} trials in batches of {config.BatchSize}, seed {config.Seed}, budget {config.AreaBudgetMm2} mm², {workloadCount} workloads, space of {template.Size:N0} points")));
        var transferable = prepared.Priors.Count > 0 && registry.Create(config.Optimizer, new DesignSpaceAdapter(template).Space, config.Seed, registry.Parse(config.Optimizer, config.OptimizerOptions)) is ITransferable;
        foreach (var p in prepared.Priors)
        {
            var use = transferable ? "" : $" ({config.Optimizer} does not use priors: a cold start)";
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"transfer from '{p.Study}' ({p.Database}): {p.Trials} trials, {p.Feasible} feasible and {p.Infeasible} infeasible carried over, {p.Dropped} dropped; rewards {(p.RewardsRecomputed ? "recomputed for this study's workloads and baseline" : "as stored (other workloads)")}{use}")));
        }

        var outcome = streams.Interactive ? RunWithProgressBar(console, runner, config, result.GetValue(_resume), cancellation) : RunWithLines(runner, config, result.GetValue(_resume), cancellation);

        StoreViews.WriteOutcome(console, outcome, config.Database);
        if (!result.GetValue(_noReport) && outcome.State.Trials > 0 && !cancellation.IsCancellationRequested)
        {
            var studies = Apollo.Reports.ReportSource.Load([config.Database], [config.Study]);
            ReportCommand.Write(streams, locator, studies, new Apollo.Reports.ReportOptions(ReportCommand.DefaultOutput(config.Database), Seed: config.Seed), cancellation);
        }

        return outcome.StopReason is StopReason.Interrupted ? CommandErrors.Interrupted : CommandErrors.Ok;
    }

    private static StudyOutcome RunWithProgressBar(IAnsiConsole console, StudyRunner runner, SearchConfig config, bool resume, CancellationToken cancellation) =>
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: config.Trials);
                return runner.Run(resume, new SynchronousProgress<StudyState>(s =>
                {
                    task.Value = s.Trials;
                    task.Description = Describe(s);
                }), cancellation);
            });

    private StudyOutcome RunWithLines(StudyRunner runner, SearchConfig config, bool resume, CancellationToken cancellation)
    {
        var next = 0;
        var step = Math.Max(1, config.Trials / 10);
        return runner.Run(resume, new SynchronousProgress<StudyState>(s =>
        {
            if (s.Trials >= next || s.Trials >= s.RequestedTrials)
            {
                streams.Out.WriteLine(Describe(s) + string.Create(CultureInfo.InvariantCulture, $" elapsed {s.Elapsed.TotalSeconds:F1} s"));
                next = s.Trials + step;
            }
        }), cancellation);
    }

    private static string Describe(StudyState s) => string.Create(CultureInfo.InvariantCulture,
        $"trials {s.Trials}/{s.RequestedTrials}  feasible {(s.Trials == 0 ? 0 : 100.0 * s.Feasible / s.Trials):F1}%  best {s.BestReward:F4}");
}
