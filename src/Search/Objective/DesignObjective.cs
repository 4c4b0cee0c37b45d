using Apollo.Compiler.Evaluation;
using Apollo.Simulator.Template;

namespace Apollo.Search.Objective;

/// <summary>A design point's evaluation together with its reward and per-workload ratios to the baseline.</summary>
public sealed record ScoredDesign(DesignEvaluation Evaluation, double Reward, IReadOnlyList<WorkloadSpeedup> Speedups);

/// <summary>
/// The objective a study maximizes: evaluate a design point under the area budget, check the constraints that need
/// an evaluated point (power, latency, energy), then score it against the baseline evaluated on the same workloads
/// (without a budget or constraints, so the baseline always scores 1).
/// </summary>
public sealed class DesignObjective
{
    private readonly DesignEvaluator _evaluator;

    /// <param name="evaluator">Prices and compiles every point.</param>
    /// <param name="baseline">The accelerator that scores 1.</param>
    /// <param name="areaBudgetMm2">The a-priori area budget; null: none.</param>
    /// <param name="weights">Per-workload weights; missing workloads weigh 1.</param>
    /// <param name="kind">What the reward measures (default: the study's throughput per area).</param>
    /// <param name="constraints">Budgets on power, latency and energy (default: none).</param>
    public DesignObjective(DesignEvaluator evaluator, AcceleratorConfig baseline, double? areaBudgetMm2, IReadOnlyDictionary<string, double>? weights = null,
        ObjectiveKind kind = ObjectiveKind.ThroughputPerArea, DesignConstraints? constraints = null)
    {
        _evaluator = evaluator;
        AreaBudgetMm2 = areaBudgetMm2;
        Constraints = constraints ?? DesignConstraints.None;
        Reward = new RewardFunction(evaluator.Evaluate(baseline, null), weights, kind);
    }

    public double? AreaBudgetMm2 { get; }

    public DesignConstraints Constraints { get; }

    public RewardFunction Reward { get; }

    public DesignEvaluator Evaluator => _evaluator;

    /// <summary>
    /// The design passes every constraint known before evaluation (the area budget): exactly the points
    /// <see cref="Score"/> would not reject at the area stage.
    /// </summary>
    public bool PassesAPriori(AcceleratorConfig config) => AreaBudgetMm2 is not { } budget || _evaluator.AreaMm2(config) <= budget;

    public ScoredDesign Score(AcceleratorConfig config)
    {
        var evaluation = _evaluator.Evaluate(config, AreaBudgetMm2);
        if (evaluation.IsFeasible && Constraints.Check(evaluation.Workloads.Select(WorkloadMeasure.Of).ToList()) is { } violated)
        {
            // The workloads stay: a violation is reported with the numbers that broke it.
            evaluation = evaluation with { Infeasible = violated };
        }

        return new ScoredDesign(evaluation, Reward.Reward(evaluation), Reward.Speedups(evaluation));
    }
}
