using Apollo.Search.Studies;

namespace Apollo.Search.Tests.Studies;

public sealed class StopRuleTests
{
    private static StudyState State(int trials, int requested = 100, int bestTrial = -1) =>
        new(trials, requested, Feasible: bestTrial >= 0 ? 1 : 0, BestReward: bestTrial >= 0 ? 1.5 : 0, bestTrial, TimeSpan.Zero);

    [Fact]
    public void Trial_budget_stops_exactly_at_the_requested_count()
    {
        var rule = new TrialBudget();
        Assert.Null(rule.Check(State(99)));
        Assert.Equal(new StopReason.TrialBudgetReached(100), rule.Check(State(100)));
        Assert.Equal(new StopReason.TrialBudgetReached(100), rule.Check(State(104))); // a batch may overshoot only via a lowered --trials on resume
        Assert.Equal("trial budget of 100 reached", rule.Check(State(100))!.Message);
    }

    [Fact]
    public void No_improvement_counts_trials_after_the_best_one()
    {
        // Best is trial 9 (the 10th): trials 10..29 are 20 trials without improvement.
        var rule = new NoImprovement(20);
        Assert.Null(rule.Check(State(29, bestTrial: 9)));
        Assert.Equal(new StopReason.NoImprovement(20), rule.Check(State(30, bestTrial: 9)));
        Assert.Equal("no improvement for 20 trials", rule.Check(State(30, bestTrial: 9))!.Message);
    }

    [Fact]
    public void No_improvement_counts_from_the_start_while_nothing_is_feasible()
    {
        var rule = new NoImprovement(20);
        Assert.Null(rule.Check(State(19)));
        Assert.NotNull(rule.Check(State(20)));
    }

    [Fact]
    public void Wall_clock_limit_follows_the_clock_from_when_the_rule_is_made()
    {
        var clock = new ManualClock();
        clock.Advance(TimeSpan.FromHours(3)); // time before the run does not count
        var rule = new WallClockLimit(TimeSpan.FromMinutes(10), clock);
        Assert.Null(rule.Check(State(0)));
        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.Null(rule.Check(State(5)));
        clock.Advance(TimeSpan.FromTicks(1));
        var reason = Assert.IsType<StopReason.WallClockLimitReached>(rule.Check(State(5)));
        Assert.Equal(TimeSpan.FromMinutes(10), reason.Limit);
        Assert.Equal("wall-clock limit of 00:10:00 reached", reason.Message);
    }

    [Fact]
    public void Combined_rules_answer_with_the_first_that_fires_in_config_order()
    {
        var clock = new ManualClock();
        var rules = StopRules.For(new StopSettings(NoImprovementTrials: 20, WallClock: TimeSpan.FromMinutes(1)), clock);
        Assert.Equal([typeof(TrialBudget), typeof(NoImprovement), typeof(WallClockLimit)], rules.Select(r => r.GetType()));
        Assert.Null(rules.Check(State(10, bestTrial: 5)));

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.IsType<StopReason.WallClockLimitReached>(rules.Check(State(10, bestTrial: 5)));
        // No improvement and the wall clock both fire: no improvement comes first.
        Assert.IsType<StopReason.NoImprovement>(rules.Check(State(40, bestTrial: 5)));
        // All three fire: the budget comes first.
        Assert.IsType<StopReason.TrialBudgetReached>(rules.Check(State(100, bestTrial: 5)));
    }

    [Fact]
    public void Without_optional_settings_only_the_budget_applies()
    {
        var rules = StopRules.For(new StopSettings(null, null), new ManualClock());
        Assert.IsType<TrialBudget>(Assert.Single(rules));
        Assert.Null(rules.Check(State(99, bestTrial: -1)));
    }

    [Fact]
    public void Reasons_are_typed_and_render_their_message()
    {
        StopReason interrupted = new StopReason.Interrupted();
        Assert.True(interrupted is StopReason.Interrupted);
        Assert.StartsWith("interrupted; every completed batch is stored", interrupted.Message, StringComparison.Ordinal);
        Assert.Equal(interrupted.Message, interrupted.ToString());
        Assert.Contains("space exhausted", new StopReason.SpaceExhausted().Message, StringComparison.Ordinal);
    }
}
