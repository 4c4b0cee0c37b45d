using Apollo.Compiler.Evaluation;
using Apollo.Compiler.Mapping;
using Apollo.Compiler.Workloads;
using Apollo.Search.Objective;
using Apollo.Search.Optimizers;
using Apollo.Search.Space;
using Apollo.Search.Storage;
using Apollo.Search.Studies;
using Apollo.Simulator.Template;
using Apollo.Testing;

namespace Apollo.Search.Tests.Studies;

/// <summary>The choke point that finishes a trial: its outcome is the evaluator's verdict, typed, with every number.</summary>
public sealed class TrialEvaluatorTests
{
    private const double Budget = 40;

    // The fixture's small space fails on the area budget and in the compiler as well as completing.
    private static readonly TemplateSpace Template = AcceleratorFiles.LoadSpace(Path.Combine(StoreFixtures.Directory, "v1-space.yaml"));
    private static readonly DesignEvaluator Evaluator = new(
        Technology.Load(Template.TechnologyFile),
        WorkloadCatalog.Load(RepositoryPaths.Config("workloads")).Resolve(["mobilenet_v2", "resnet50", "deeplabv3_mobilenet_v3_large"]));

    private static readonly DesignObjective Objective = new(Evaluator, AcceleratorFiles.LoadAccelerator(RepositoryPaths.Config("accelerators", "baseline.yaml")).Config, Budget);
    private static readonly DesignSpaceAdapter Adapter = new(Template);

    [Fact]
    public void Every_outcome_is_the_evaluators_verdict_with_its_numbers()
    {
        var evaluator = new TrialEvaluator(Adapter, Objective);
        var rng = new Random(11);
        var seen = new HashSet<(TrialStatus, InfeasibilityStage?)>();
        for (var n = 0; n < 80; n++)
        {
            var point = new DesignPoint(Adapter.Space.Parameters.Select(p => rng.Next(p.Values.Count)).ToArray());
            var trial = evaluator.Evaluate(n, n / 8, new Suggestion(point, "test"), TimeProvider.System);
            var expected = Objective.Score(Adapter.ToConfig(point));

            Assert.Equal(n, trial.Number);
            Assert.Equal(expected.Evaluation.Area.TotalMm2, trial.AreaMm2);
            switch (trial.Outcome)
            {
                case TrialOutcome.Completed c:
                    Assert.Null(expected.Evaluation.Infeasible);
                    Assert.Equal(expected.Reward, c.Reward);
                    Assert.Equal(Evaluator.Workloads.Select(w => w.Name), c.Metrics.Select(m => m.Workload));
                    seen.Add((TrialStatus.Completed, null));
                    break;
                case TrialOutcome.Infeasible i:
                    var reason = Assert.IsType<InfeasibleReason>(expected.Evaluation.Infeasible);
                    Assert.Equal(TrialInfeasibility.From(reason), i.Reason);
                    Assert.NotNull(i.Reason.Needed);
                    Assert.True(i.Reason.Needed > i.Reason.Available, i.Reason.Message);
                    seen.Add((TrialStatus.Infeasible, i.Reason.Stage));
                    break;
                default:
                    Assert.Fail($"trial {n} failed: {((TrialOutcome.Failed)trial.Outcome).Error}");
                    break;
            }
        }

        // Completed and over budget; since the mapspace may leave units idle (issue 8) these 80 points all
        // compile once within the budget, so a compile-stage verdict, when there is one, is checked above.
        Assert.Contains((TrialStatus.Completed, (InfeasibilityStage?)null), seen);
        Assert.Contains((TrialStatus.Infeasible, InfeasibilityStage.Area), seen);
    }

    [Fact]
    public void A_point_outside_the_space_is_a_bug_of_the_optimizer()
    {
        var evaluator = new TrialEvaluator(Adapter, Objective);
        var outside = new DesignPoint(Adapter.Space.Parameters.Select(p => p.Values.Count).ToArray());
        Assert.Throws<InvalidOperationException>(() => evaluator.Evaluate(0, 0, new Suggestion(outside, "test"), TimeProvider.System));
    }
}
