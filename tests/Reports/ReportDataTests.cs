using System.Text.Json.Nodes;
using Apollo.Compiler.Mapping;
using Apollo.Reports.Interactive;
using Apollo.Search.Storage;

namespace Apollo.Reports.Tests;

public sealed class ReportDataTests
{
    private const string Snapshot = "study: 's'\nspace: '/c/space.yaml'\nbaseline: '/c/baseline.yaml'\nworkloads: ['a', 'b']\n";

    private static StudyTrials Study(string name, IReadOnlyList<TrialRecord> trials) =>
        new("/tmp/x.db", new StudyInfo(1, new StudyDefinition(name, "p3bo", 1, 6.8, trials.Count, 8, Snapshot), DateTimeOffset.UnixEpoch), trials);

    private static TrialRecord Trial(int number, double lanes, double coreMemory, TrialOutcome outcome, string proposer = "p3bo/evolution") =>
        new(number, 0, [new("lanes", lanes), new("core_memory", coreMemory)], outcome, proposer, 1, DateTimeOffset.UnixEpoch);

    private static TrialOutcome.Completed Completed(double reward) =>
        new(reward, 2.5, [new WorkloadMetric("a", 0.002, 500, reward, energyJoules: 0.001), new WorkloadMetric("b", 0.004, 250, reward)]);

    private static TrialOutcome.Infeasible Layer(string workload, string layer) =>
        new(new TrialInfeasibility(InfeasibilityStage.Compile, InfeasibilityLevel.PeMemory, workload, layer, 10, 5, "B", $"{workload}/{layer} needs 10 B, 5 B available"), 3);

    [Fact]
    public void Columns_hold_every_trial_with_indexes_into_the_shared_lists_and_the_json_escapes_markup()
    {
        var trials = new[]
        {
            Trial(0, 16, 4096, Completed(1.5)),
            Trial(1, 32, 8192, Layer("b", "conv1"), "p3bo/random"),
            Trial(2, 16, 8192, Completed(2.5)),
        };
        var xy = new double[,] { { 0, 1 }, { 2, 3 }, { 4, 5 } };
        var data = ReportData.Of([new ReportData.MappedStudy(Study("<script>", trials), xy, 0)], [], 10, []);

        var study = Assert.Single(data.Studies);
        Assert.Equal([0, 1, 2], study.Trial);
        Assert.Equal([0, 1, 0], study.Status);
        Assert.Equal(["p3bo/evolution", "p3bo/random", "p3bo/evolution"], study.Proposer.Select(p => data.Proposers[p]));
        Assert.Equal([-1, 0, -1], study.Reason);
        Assert.Contains("conv1", data.Reasons[0]);
        Assert.Equal([16.0, 32], data.Parameters[0].Values);
        Assert.False(data.Parameters[0].Bytes);
        Assert.True(data.Parameters[1].Bytes); // core_memory is shown in KiB/MiB
        Assert.Equal([4096.0, 8192, 8192], study.Parameters[1].Select(i => data.Parameters[1].Values[i]));
        Assert.Equal([2.0, null, 2.0], study.LatencyMs[0]);
        Assert.Equal([4.0, null, 4.0], study.LatencyMs[1]);
        Assert.Equal([1.0, null, 1.0], study.EnergyMj![0]);
        Assert.Equal([2.0, 4], study.X.Skip(1));

        var json = data.ToJson();
        Assert.DoesNotContain("<script>", json, StringComparison.Ordinal);
        var parsed = JsonNode.Parse(json)!;
        Assert.Equal("x.db:<script>", parsed["studies"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(10, parsed["best_count"]!.GetValue<int>());
    }

    [Fact]
    public void Infeasibility_is_counted_per_network_and_layer_within_a_fingerprint()
    {
        var area = new TrialOutcome.Infeasible(new TrialInfeasibility(InfeasibilityStage.Area, InfeasibilityLevel.AreaBudget, null, null, 9, 6.8, "mm²", "area 9 mm² > 6.8 mm²"), 9);
        var trials = new[] { Trial(0, 16, 4096, Layer("b", "conv1")), Trial(1, 16, 4096, Layer("b", "conv1")), Trial(2, 16, 4096, Layer("a", "fc")), Trial(3, 16, 4096, area) };

        var counts = ReportData.InfeasibilityByLayer([Study("s", trials)]);

        Assert.Equal(3, counts.Count);
        Assert.Equal(("compile/pe_memory", "b", "conv1", 2, 0.5), (counts[0].Stage, counts[0].Workload, counts[0].Layer, counts[0].Trials, counts[0].Fraction));
        Assert.Contains(counts, c => c is { Stage: "area/area_budget", Workload: null, Layer: null, Trials: 1 });
    }

    [Fact]
    public void A_parameter_that_decides_the_reward_has_the_whole_main_effect_and_one_that_does_not_has_little()
    {
        // The reward is a function of lanes alone; core_memory alternates independently of it.
        var trials = Enumerable.Range(0, 60).Select(i => Trial(i, 4 << (i % 3), 4096 << (i / 3 % 2), Completed(1 + (i % 3)))).ToList();

        var shares = ParameterImportance.Of([Study("s", trials)]).ToDictionary(s => s.Parameter, s => s.Share);

        Assert.Equal(1.0, shares["lanes"], 9);
        Assert.True(shares["core_memory"] < 0.05, $"core_memory share {shares["core_memory"]}");
    }

    [Fact]
    public void Too_few_feasible_trials_give_no_importance()
    {
        var trials = Enumerable.Range(0, ParameterImportance.MinTrials - 1).Select(i => Trial(i, 4 << (i % 3), 4096, Completed(1 + (i % 3)))).ToList();
        Assert.Empty(ParameterImportance.Of([Study("s", trials)]));
    }

    [Theory]
    [InlineData(10, 5, 5, "compute")]
    [InlineData(5, 10, 5, "memory stall")]
    [InlineData(5, 5, 10, "overhead")]
    [InlineData(5, 5, 5, "compute")] // ties go to compute, then memory: the more fundamental limit is named
    public void The_binding_resource_is_the_largest_share_of_cycles(long compute, long stall, long overhead, string binding) =>
        Assert.Equal(binding, EvaluatedDesign.BindingOf(compute, stall, overhead));

    [Fact]
    public void Six_significant_digits_halve_the_json_without_changing_what_a_reader_sees()
    {
        Assert.Equal(1.23457, ReportData.Significant(1.2345678));
        Assert.Equal(123457, ReportData.Significant(123456.7));
        Assert.Equal(0.000123457, ReportData.Significant(0.0001234567), 12);
        Assert.Equal(0, ReportData.Significant(0));
    }
}
