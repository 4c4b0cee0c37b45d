using Apollo.Compiler.Evaluation;
using Apollo.Simulator.Template;

namespace Apollo.Search.Objective;

/// <summary>A design point's evaluation together with its reward and per-workload speedups.</summary>
public sealed record ScoredDesign(DesignEvaluation Evaluation, double Reward, IReadOnlyList<WorkloadSpeedup> Speedups);

/// <summary>
/// The objective a study maximizes: evaluate a design point under the area budget, then score it against
/// the baseline evaluated on the same workloads (without a budget, so the baseline always scores 1).
/// </summary>
public sealed class DesignObjective
{
    private readonly DesignEvaluator _evaluator;

    public DesignObjective(DesignEvaluator evaluator, AcceleratorConfig baseline, double? areaBudgetMm2, IReadOnlyDictionary<string, double>? weights = null)
    {
        _evaluator = evaluator;
        AreaBudgetMm2 = areaBudgetMm2;
        Reward = new RewardFunction(evaluator.Evaluate(baseline, null), weights);
    }

    public double? AreaBudgetMm2 { get; }

    public RewardFunction Reward { get; }

    public DesignEvaluator Evaluator => _evaluator;

    /// <summary>
    /// The design passes every constraint known before evaluation (today the area budget): exactly the points
    /// <see cref="Score"/> would not reject at the area stage.
    /// </summary>
    public bool PassesAPriori(AcceleratorConfig config) => AreaBudgetMm2 is not { } budget || _evaluator.AreaMm2(config) <= budget;

    public ScoredDesign Score(AcceleratorConfig config)
    {
        var evaluation = _evaluator.Evaluate(config, AreaBudgetMm2);
        return new ScoredDesign(evaluation, Reward.Reward(evaluation), Reward.Speedups(evaluation));
    }
}
