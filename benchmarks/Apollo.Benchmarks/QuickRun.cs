using System.Diagnostics;

namespace Apollo.Benchmarks;

/// <summary>Times one case of <see cref="EvaluationBenchmarks"/> with a stopwatch on one thread (processor time, median of the repeats).</summary>
public static class QuickRun
{
    public static void Run(string name, int repeats, TextWriter output)
    {
        var bench = new EvaluationBenchmarks { Threads = 1 };
        bench.Setup();
        (Func<int> run, int points) = name switch
        {
            "full" => ((Func<int>)bench.UniformFullCompile, EvaluationBenchmarks.FullCompilePoints),
            "stream" => (bench.EvolutionStream, EvaluationBenchmarks.Points),
            "uniform" => (bench.UniformRandom, EvaluationBenchmarks.Points),
            _ => throw new ArgumentException($"unknown case '{name}'; allowed: full, stream, uniform"),
        };
        run(); // warm-up (JIT)
        var times = new List<double>();
        var feasible = 0;
        for (var i = 0; i < repeats; i++)
        {
            // Processor time, not wall time: on a loaded machine the process is descheduled for a while.
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            feasible = run();
            times.Add((Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds);
        }

        times.Sort();
        // Cycles of every workload of every point, so that a faster mapper can be checked to choose equally well.
        var checksum = bench.Checksum(name);
        var median = times[times.Count / 2];
        output.WriteLine(FormattableString.Invariant($"{name}: {points} points, {feasible} feasible, median {median:F1} ms of processor time, {points / (median / 1000):F0} points/s on one thread, cycles checksum {checksum:X16}"));
    }
}
