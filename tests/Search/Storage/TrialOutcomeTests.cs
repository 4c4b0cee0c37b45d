using Apollo.Compiler.Mapping;
using Apollo.Search.Storage;

namespace Apollo.Search.Tests.Storage;

/// <summary>Each outcome checks its values once, in its constructor; what exists is valid.</summary>
public sealed class TrialOutcomeTests
{
    private static readonly WorkloadMetric Metric = new("resnet50", 1e-3, 1000, 1.5);

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Completed_refuses_a_reward_that_is_not_finite_and_positive(double reward)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new TrialOutcome.Completed(reward, 5, [Metric]));
        Assert.Contains("Reward", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    [InlineData(double.NaN)]
    public void Completed_refuses_an_invalid_area(double area) =>
        Assert.ThrowsAny<ArgumentException>(() => new TrialOutcome.Completed(1, area, [Metric]));

    [Fact]
    public void Completed_needs_distinct_non_null_metrics_and_keeps_a_copy()
    {
        Assert.ThrowsAny<ArgumentException>(() => new TrialOutcome.Completed(1, 5, []));
        Assert.ThrowsAny<ArgumentException>(() => new TrialOutcome.Completed(1, 5, [Metric, Metric with { }]));
        Assert.ThrowsAny<ArgumentException>(() => new TrialOutcome.Completed(1, 5, [Metric, null!]));

        var metrics = new List<WorkloadMetric> { Metric };
        var completed = new TrialOutcome.Completed(1, 5, metrics);
        metrics.Add(new WorkloadMetric("bert", 1, 1, 1));
        Assert.Single(completed.Metrics);
        Assert.Equal(completed, new TrialOutcome.Completed(1, 5, [new WorkloadMetric("resnet50", 1e-3, 1000, 1.5)]));
    }

    [Theory]
    [InlineData(0.0, 1.0, 1.0, null, null)]
    [InlineData(double.NaN, 1.0, 1.0, null, null)]
    [InlineData(1.0, -1.0, 1.0, null, null)]
    [InlineData(1.0, 1.0, double.NegativeInfinity, null, null)]
    [InlineData(1.0, 1.0, 1.0, -1.0, null)]
    [InlineData(1.0, 1.0, 1.0, null, double.NaN)]
    public void A_workload_metric_refuses_numbers_outside_their_range(double latency, double throughput, double speedup, double? energy, double? power) =>
        Assert.ThrowsAny<ArgumentException>(() => new WorkloadMetric("w", latency, throughput, speedup, energy, power));

    [Fact]
    public void Energy_and_power_are_null_until_computed()
    {
        Assert.Null(Metric.EnergyJoules);
        Assert.Null(Metric.PowerWatts);
        Assert.ThrowsAny<ArgumentException>(() => new WorkloadMetric("", 1, 1, 1));
    }

    [Fact]
    public void Infeasible_and_failed_refuse_what_they_cannot_hold()
    {
        var reason = TrialInfeasibility.From(StoreTestData.CompileReason);
        Assert.ThrowsAny<ArgumentException>(() => new TrialOutcome.Infeasible(null!, 1));
        Assert.ThrowsAny<ArgumentException>(() => new TrialOutcome.Infeasible(reason, 0));
        Assert.ThrowsAny<ArgumentException>(() => new TrialOutcome.Infeasible(reason, double.NaN));
        Assert.Null(new TrialOutcome.Infeasible(reason, null).AreaMm2);
        Assert.ThrowsAny<ArgumentException>(() => new TrialOutcome.Failed(""));
        Assert.ThrowsAny<ArgumentException>(() => new TrialOutcome.Failed("  "));
    }

    [Fact]
    public void A_stored_reason_has_every_number_or_none()
    {
        TrialInfeasibility Make(double? needed, double? available, string? unit, string message = "m") =>
            new(InfeasibilityStage.Compile, InfeasibilityLevel.CoreMemory, "w", "l", needed, available, unit, message);

        Assert.Null(Make(null, null, null).Needed); // a schema-1 row
        Assert.Equal(3.0, Make(3, 2, "B").Needed);
        Assert.ThrowsAny<ArgumentException>(() => Make(3, null, "B"));
        Assert.ThrowsAny<ArgumentException>(() => Make(3, 2, null));
        Assert.ThrowsAny<ArgumentException>(() => Make(-3, 2, "B"));
        Assert.ThrowsAny<ArgumentException>(() => Make(3, double.PositiveInfinity, "B"));
        Assert.ThrowsAny<ArgumentException>(() => Make(3, 2, ""));
        Assert.ThrowsAny<ArgumentException>(() => Make(3, 2, "B", ""));
        Assert.ThrowsAny<ArgumentException>(() =>
            new TrialInfeasibility((InfeasibilityStage)9, InfeasibilityLevel.CoreMemory, null, null, null, null, null, "m"));
    }

    [Fact]
    public void The_stored_reason_keeps_every_field_of_the_compilers_and_its_message()
    {
        var reason = TrialInfeasibility.From(StoreTestData.CompileReason);
        Assert.Equal(StoreTestData.CompileReason.Message, reason.Message);
        Assert.Equal((InfeasibilityStage.Compile, InfeasibilityLevel.ParameterMemory, 73_728.0, 65_536.5, "B"), (reason.Stage, reason.Level, reason.Needed!.Value, reason.Available!.Value, reason.Unit));
        Assert.Equal(("résnet50 «ünïcode»", "conv_12"), (reason.Workload, reason.Layer));
    }

    [Fact]
    public void Status_reward_area_and_metrics_of_a_record_follow_from_its_outcome()
    {
        var completed = StoreTestData.Completed(0, reward: 0.75);
        Assert.Equal((TrialStatus.Completed, 0.75, 5.123456789012345, 2), (completed.Status, completed.Reward, completed.AreaMm2!.Value, completed.Metrics.Count));

        var infeasible = StoreTestData.Infeasible(1);
        Assert.Equal((TrialStatus.Infeasible, 0.0, 0.1 + 0.2, 0), (infeasible.Status, infeasible.Reward, infeasible.AreaMm2!.Value, infeasible.Metrics.Count));

        var failed = StoreTestData.Failed(2);
        Assert.Equal((TrialStatus.Failed, 0.0, (double?)null, 0), (failed.Status, failed.Reward, failed.AreaMm2, failed.Metrics.Count));
    }
}
