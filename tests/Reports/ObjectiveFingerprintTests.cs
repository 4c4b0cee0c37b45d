using Apollo.Search.Storage;

namespace Apollo.Reports.Tests;

public sealed class ObjectiveFingerprintTests
{
    private static StudyDefinition Study(string root, string name = "s", string optimizer = "evolution", int seed = 1, double budget = 6.8,
        string workloads = "workload_set: 'all'", string? weights = null) =>
        new(name, optimizer, seed, budget, 400, 16, $"""
            # resolved from {root}/configs/searches/{name}.yaml
            study: '{name}'
            space: '{root}/configs/accelerators/space.yaml'
            baseline: '{root}/configs/accelerators/baseline.yaml'
            workload_dir: '{root}/configs/workloads'
            {workloads}
            area_budget_mm2: {budget}
            optimizer: '{optimizer}'
            trials: 400
            batch_size: 16
            seed: {seed}
            {weights ?? ""}
            # original file:
            #   workload_set: resnet50_only
            """);

    [Fact]
    public void Run_settings_and_the_checkout_location_do_not_change_the_fingerprint()
    {
        var a = ObjectiveFingerprint.Of(Study("/work/main"));
        var b = ObjectiveFingerprint.Of(Study("/home/someone/apollo", name: "other", optimizer: "p3bo", seed: 3, budget: 4.8));

        Assert.Equal(a.Id, b.Id);
        Assert.Matches("^[0-9a-f]{8}$", a.Id);
        Assert.Equal("baseline accelerators/baseline.yaml, space accelerators/space.yaml, workload_dir workloads, workload_set all", a.Description);
    }

    [Fact]
    public void A_warm_start_keeps_the_fingerprint_of_the_cold_study()
    {
        var cold = ObjectiveFingerprint.Of(Study("/r"));
        var warm = ObjectiveFingerprint.Of(Study("/r", weights: "transfer: [{database: '/r/results/source.db', study: 'src', digest: 'ab12'}]"));
        Assert.Equal(cold.Id, warm.Id);
    }

    [Theory]
    [InlineData("workloads: ['mobilenet_v2']", null)]
    [InlineData("workload_set: 'all'", "workload_weights: {'resnet50': 2}")]
    public void Workloads_and_weights_change_the_fingerprint(string workloads, string? weights)
    {
        Assert.NotEqual(ObjectiveFingerprint.Of(Study("/r")).Id, ObjectiveFingerprint.Of(Study("/r", workloads: workloads, weights: weights)).Id);
    }

    [Fact]
    public void Another_space_file_changes_the_fingerprint()
    {
        var edge = Study("/r") with { ConfigSnapshot = Study("/r").ConfigSnapshot.Replace("space.yaml", "space-edge-tpu.yaml", StringComparison.Ordinal) };
        Assert.NotEqual(ObjectiveFingerprint.Of(Study("/r")).Id, ObjectiveFingerprint.Of(edge).Id);
    }
}
