using Apollo.Compiler.Mapping;
using Apollo.Search.Storage;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace Apollo.Benchmarks;

/// <summary>
/// Insert rate of <see cref="TrialStore.AppendBatch"/> into a file on disk: batches of 1,000 trials with 10
/// parameters and 11 workload metrics each. Results are per trial (OperationsPerInvoke), so trials/s = 1e9 / Mean[ns].
/// Target: at least 20,000 trials/s. The study grows across invocations, as a long study does.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int BatchSize = 1_000;

    private string _directory = "";
    private TrialStore? _store;
    private long _studyId;
    private int _nextNumber;
    private TrialRecord[] _templates = [];

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "apollo-store-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _store = TrialStore.Open(Path.Combine(_directory, "bench.db"));
        _studyId = _store.CreateStudy(new StudyDefinition("bench", "p3bo", 1, 6.8, 1_000_000, BatchSize, "search: {}\n")).Id;
        var random = new Random(1);
        var finished = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var reason = TrialInfeasibility.From(new InfeasibleReason(
            InfeasibilityStage.Compile, InfeasibilityLevel.ParameterMemory, "resnet50", "conv_12", 73_728, 65_536, "B", "smallest weight tile (double-buffered)"));
        _templates = Enumerable.Range(0, BatchSize).Select(i => new TrialRecord(
                i,
                0,
                Enumerable.Range(0, 10).Select(p => new KeyValuePair<string, double>($"param_{p}", random.Next(1, 256))).ToList(),
                i % 3 == 0
                    ? new TrialOutcome.Infeasible(reason, 0.5 + (random.NextDouble() * 8))
                    : new TrialOutcome.Completed(
                        0.01 + (random.NextDouble() * 1.5),
                        0.5 + (random.NextDouble() * 8),
                        Enumerable.Range(0, 11).Select(w => new WorkloadMetric($"workload_{w}", 1e-6 + random.NextDouble(), random.NextDouble() * 1e4, random.NextDouble() * 2)).ToList()),
                "evolution#1",
                random.NextDouble() * 50,
                finished.AddSeconds(i)))
            .ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "AppendBatch, per trial (1,000 trials x 10 params x 11 metrics)")]
    public void AppendBatch()
    {
        var first = _nextNumber;
        var batch = new TrialRecord[BatchSize];
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = _templates[i] with { Number = first + i, Batch = first / BatchSize };
        }

        _store!.AppendBatch(_studyId, batch);
        _nextNumber += BatchSize;
    }
}
