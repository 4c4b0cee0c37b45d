using Apollo.Compiler.Mapping;
using Apollo.Search.Storage;
using Microsoft.Data.Sqlite;

namespace Apollo.Search.Tests.Storage;

/// <summary>A temporary directory deleted on dispose (after closing pooled SQLite connections).</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "apollo-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}

public static class StoreTestData
{
    public static StudyDefinition Study(string name = "study-a") =>
        new(name, "p3bo", 42, 6.8, 4000, 16, "search:\n  optimizer: p3bo\n  seed: 42\n  area_budget_mm2: 6.8\n");

    /// <summary>A completed trial whose values exercise awkward doubles (subnormal, huge, inexact decimals).</summary>
    public static TrialRecord Completed(int number, int batch = 0, double reward = 1.0) =>
        new(
            number,
            batch,
            [
                new("pe_x", 16),
                new("pe_y", 4 + number),
                new("l1_kib", 0.1 + 0.2),
                new("tiny", double.Epsilon),
                new("huge", 1.7976931348623157e308),
                new("negative", -1.0 / 3.0),
            ],
            new TrialOutcome.Completed(
                reward,
                5.123456789012345,
                [
                    new("resnet50", 1.25e-3, 800.0 / 3.0, Math.PI),
                    new("bert", 4.2e-2, 23.8095238095238, Math.E / 7.0, energyJoules: 0.1 + 0.2, powerWatts: double.Epsilon),
                ]),
            "evolution#2",
            12.75 + number,
            new DateTimeOffset(2025, 3, 1, 12, 34, 56, TimeSpan.FromHours(2)).AddTicks(1234567 + number));

    /// <summary>The compiler's reason for an infeasible layer, with every field set.</summary>
    public static InfeasibleReason CompileReason { get; } = new(
        InfeasibilityStage.Compile, InfeasibilityLevel.ParameterMemory, "résnet50 «ünïcode»", "conv_12", 73_728, 65_536.5, "B",
        "smallest weight tile (double-buffered)");

    public static TrialRecord Infeasible(int number, int batch = 0) =>
        new(
            number,
            batch,
            [new("pe_x", 64), new("pe_y", 64)],
            new TrialOutcome.Infeasible(TrialInfeasibility.From(CompileReason), 0.1 + 0.2),
            "random",
            0.5,
            new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero));

    /// <summary>An infeasible trial rejected by the area budget before compiling: no workload and layer.</summary>
    public static TrialRecord OverBudget(int number, int batch = 0) =>
        new(
            number,
            batch,
            [new("pe_x", 32), new("pe_y", 32)],
            new TrialOutcome.Infeasible(
                TrialInfeasibility.From(new InfeasibleReason(InfeasibilityStage.Area, InfeasibilityLevel.AreaBudget, null, null, 16.5130825, 6.8, "mm²")),
                16.5130825),
            "random",
            0.25,
            new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero));

    public static TrialRecord Failed(int number, int batch = 0) =>
        new(
            number,
            batch,
            [new("pe_x", 8)],
            new TrialOutcome.Failed("System.InvalidOperationException: boom\n   at Simulator.Run()"),
            "gp-ei",
            0.0,
            new DateTimeOffset(2025, 3, 1, 10, 0, 1, TimeSpan.Zero));

    /// <summary>Every field equal, every double bit for bit (outcome included).</summary>
    public static void AssertSame(TrialRecord expected, TrialRecord actual)
    {
        Assert.Equal(expected.Number, actual.Number);
        Assert.Equal(expected.Batch, actual.Batch);
        Assert.Equal(expected.Status, actual.Status);
        AssertBits(expected.Reward, actual.Reward);
        AssertBits(expected.AreaMm2, actual.AreaMm2);
        Assert.Equal(expected.Proposer, actual.Proposer);
        AssertBits(expected.EvaluationMilliseconds, actual.EvaluationMilliseconds);
        Assert.Equal(expected.FinishedAt.UtcTicks, actual.FinishedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, actual.FinishedAt.Offset);
        Assert.Equal(expected.Parameters.Select(p => p.Key), actual.Parameters.Select(p => p.Key));
        Assert.Equal(expected.Parameters.Select(p => Bits(p.Value)), actual.Parameters.Select(p => Bits(p.Value)));
        Assert.Equal(expected.Metrics.Count, actual.Metrics.Count);
        for (var i = 0; i < expected.Metrics.Count; i++)
        {
            Assert.Equal(expected.Metrics[i].Workload, actual.Metrics[i].Workload);
            AssertBits(expected.Metrics[i].LatencySeconds, actual.Metrics[i].LatencySeconds);
            AssertBits(expected.Metrics[i].ThroughputPerSecond, actual.Metrics[i].ThroughputPerSecond);
            AssertBits(expected.Metrics[i].Speedup, actual.Metrics[i].Speedup);
            AssertBits(expected.Metrics[i].EnergyJoules, actual.Metrics[i].EnergyJoules);
            AssertBits(expected.Metrics[i].PowerWatts, actual.Metrics[i].PowerWatts);
        }

        switch (expected.Outcome)
        {
            case TrialOutcome.Infeasible { Reason: var reason }:
                var loaded = Assert.IsType<TrialOutcome.Infeasible>(actual.Outcome).Reason;
                Assert.Equal(reason.Stage, loaded.Stage);
                Assert.Equal(reason.Level, loaded.Level);
                Assert.Equal(reason.Workload, loaded.Workload);
                Assert.Equal(reason.Layer, loaded.Layer);
                AssertBits(reason.Needed, loaded.Needed);
                AssertBits(reason.Available, loaded.Available);
                Assert.Equal(reason.Unit, loaded.Unit);
                Assert.Equal(reason.Message, loaded.Message);
                break;
            case TrialOutcome.Failed { Error: var error }:
                Assert.Equal(error, Assert.IsType<TrialOutcome.Failed>(actual.Outcome).Error);
                break;
        }

        Assert.Equal(expected.Outcome, actual.Outcome);
    }

    private static void AssertBits(double? expected, double? actual)
    {
        Assert.Equal(expected.HasValue, actual.HasValue);
        if (expected is { } e)
        {
            AssertBits(e, actual!.Value);
        }
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    private static void AssertBits(double expected, double actual) => Assert.Equal(Bits(expected), Bits(actual));
}
