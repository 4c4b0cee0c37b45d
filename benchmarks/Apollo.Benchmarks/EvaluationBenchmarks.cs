using Apollo.Compiler.Evaluation;
using Apollo.Compiler.Workloads;
using Apollo.Simulator.Template;
using BenchmarkDotNet.Attributes;

namespace Apollo.Benchmarks;

/// <summary>
/// Design points evaluated per second on the <c>all</c> workload set at a 6.8 mm² budget: uniform random
/// points (every point new, so no cache helps) and an evolutionary-like stream (one gene changed at a time,
/// so most points are feasible and compile every layer). Each invocation evaluates <see cref="Points"/>
/// points; points/s = Points / mean time. The full-compile case evaluates the first <see cref="FullCompilePoints"/>
/// uniform points with no budget, so every layer of every network is mapped (issue 8's speed target).
/// </summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    public const int Points = 2_000;

    public const int FullCompilePoints = 200;

    private DesignEvaluator _evaluator = null!;
    private AcceleratorConfig[] _random = [];
    private AcceleratorConfig[] _stream = [];
    private AcceleratorConfig[] _full = [];

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var root = RepositoryRoot.Find();
        var space = AcceleratorFiles.LoadSpace(Path.Combine(root, "configs", "accelerators", "space.yaml"));
        var technology = Technology.Load(space.TechnologyFile);
        _evaluator = new DesignEvaluator(technology, WorkloadCatalog.Load(Path.Combine(root, "configs", "workloads")).ResolveSet("all"));
        var rng = new Random(42);
        _random = Enumerable.Range(0, Points).Select(_ => Sample(space, rng)).ToArray();
        _full = _random[..FullCompilePoints];

        // A random walk from the baseline that changes one parameter per step and keeps within budget,
        // like an evolutionary search's children around a feasible parent.
        var baseline = AcceleratorFiles.LoadAccelerator(Path.Combine(root, "configs", "accelerators", "baseline.yaml")).Config;
        var area = new Apollo.Simulator.Area.AreaModel(technology);
        var current = baseline.ToParameters().ToDictionary(p => p.Key, p => p.Value);
        _stream = new AcceleratorConfig[Points];
        for (var i = 0; i < Points; i++)
        {
            var parameter = space.Parameters[rng.Next(space.Parameters.Count)];
            var candidate = new Dictionary<string, double>(current) { [parameter.Name] = parameter.Values[rng.Next(parameter.Values.Count)] };
            var config = AcceleratorConfig.FromParameters(candidate, (f, m) => new InvalidOperationException(m));
            if (area.Estimate(config).TotalMm2 <= 6.8)
            {
                current = candidate;
            }

            _stream[i] = AcceleratorConfig.FromParameters(current, (f, m) => new InvalidOperationException(m));
        }
    }

    [Benchmark(Description = "uniform random points")]
    public int UniformRandom() => Evaluate(_random);

    [Benchmark(Description = "one-gene-mutation stream")]
    public int EvolutionStream() => Evaluate(_stream);

    [Benchmark(Description = "uniform random points, no budget (full compile)")]
    public int UniformFullCompile() => Evaluate(_full, null);

    /// <summary>A hash of the cycles of every workload of every point of a case (see <see cref="QuickRun"/>).</summary>
    public ulong Checksum(string name)
    {
        var (points, budget) = name switch
        {
            "full" => (_full, (double?)null),
            "stream" => (_stream, 6.8),
            _ => (_random, 6.8),
        };
        var hash = 14695981039346656037UL; // FNV-1a over the cycle counts
        foreach (var point in points)
        {
            foreach (var workload in _evaluator.Evaluate(point, budget).Workloads)
            {
                hash = (hash ^ (ulong)workload.Cycles) * 1099511628211UL;
            }
        }

        return hash;
    }

    private int Evaluate(AcceleratorConfig[] points, double? budget = 6.8)
    {
        var feasible = 0;
        Parallel.For(0, points.Length, new ParallelOptions { MaxDegreeOfParallelism = Threads }, i =>
        {
            if (_evaluator.Evaluate(points[i], budget).IsFeasible)
            {
                Interlocked.Increment(ref feasible);
            }
        });
        return feasible;
    }

    private static AcceleratorConfig Sample(TemplateSpace space, Random rng) =>
        AcceleratorConfig.FromParameters(space.Parameters.ToDictionary(p => p.Name, p => p.Values[rng.Next(p.Values.Count)]), (f, m) => new InvalidOperationException(m));
}

/// <summary>Finds the repository from wherever BenchmarkDotNet runs the benchmark process.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Apollo.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Apollo.sln) above the working directory");
    }
}
