using Apollo.Search.Optimizers;
using Apollo.Search.Space;
using BenchmarkDotNet.Attributes;

namespace Apollo.Benchmarks;

/// <summary>
/// gp-ei suggestion cost against history size on a 10-dimensional grid with the default
/// accelerator space's value counts (452,760,000 points). The history is uniform random with a
/// synthetic constrained objective (about half infeasible), so the classifier sees both classes
/// like in a real study. Default options (since 2026-12-02 <c>infeasible: laplace</c>,
/// <c>trust_region: true</c>). <see cref="Suggest"/> measures the acquisition search alone (the models
/// are not re-synced without news); <see cref="ObserveThenSuggest"/> adds one observation first, so it
/// includes the local regression's refactorization, the classifier's Newton steps and, amortized,
/// the scheduled hyperparameter refits.
/// (The benchmark project does not reference Apollo.Testing, hence the local objective.)
/// </summary>
[MemoryDiagnoser]
public class GpBenchmarks
{
    private static readonly int[] Counts = [10, 10, 7, 10, 7, 11, 7, 4, 5, 6];
    private readonly SearchSpace _space = new(Counts.Select((n, d) => new SearchParameter($"p{d}", Enumerable.Range(0, n).Select(i => (double)i).ToList())).ToList());
    private GpEi _gp = null!;
    private Random _rng = null!;

    [Params(250, 1000, 2000, 4000)]
    public int Observed { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _gp = new GpEi(_space, 1);
        _rng = new Random(7);
        var seen = new HashSet<long>();
        var history = new List<Observation>();
        while (history.Count < Observed)
        {
            var p = _space.Sample(_rng);
            if (seen.Add(_space.Encode(p)))
            {
                history.Add(Evaluate(p));
            }
        }

        _gp.Observe(history);
        _gp.Suggest(1); // first fit outside the measurement
    }

    [Benchmark]
    public int Suggest() => _gp.Suggest(1).Count;

    [Benchmark]
    public int ObserveThenSuggest()
    {
        _gp.Observe([Evaluate(_space.Sample(_rng))]);
        return _gp.Suggest(1).Count;
    }

    private Observation Evaluate(DesignPoint p)
    {
        var x = _space.Normalize(p);
        var area = x[0] + x[1] + 0.6 * x[2] + 0.8 * x[3] + 0.4 * x[4] + 0.5 * x[5] + 0.3 * (x[6] + x[7]) + 0.2 * (x[8] + x[9]);
        if (area > 2.6 || x[2] + x[3] < 0.5)
        {
            return new Observation(p, 0, false, "bench");
        }

        var dist = 0.0;
        for (var d = 0; d < x.Length; d++)
        {
            dist += (x[d] - 0.5) * (x[d] - 0.5) / 0.36;
        }

        return new Observation(p, 0.1 + 2 * Math.Exp(-dist), true, "bench");
    }
}
