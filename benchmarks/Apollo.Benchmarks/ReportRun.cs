using System.Diagnostics;
using Apollo.Reports;
using Apollo.Search.Storage;

namespace Apollo.Benchmarks;

/// <summary>
/// <c>quick report N</c>: wall time of a whole report (t-SNE map, static figures, embedding.csv, report.html) for one study
/// of N trials, and the size of its page. The trials are made up, shaped like an optimizer's history on the default
/// space: parameters on the template's grids, clustered around 40 centres (many exact duplicates); 60% infeasible (the
/// area budget or a layer of a network), the rest completed with a reward and latency and energy on two networks.
/// Evaluating 100,000 real trials would take about an hour here; the report's cost depends only on these shapes.
/// </summary>
public static class ReportRun
{
    private static readonly (string Name, double[] Values)[] Grid =
    [
        ("pe_x", [1, 2, 4, 6, 8, 10, 12, 14, 16, 32]),
        ("pe_y", [1, 2, 4, 6, 8, 10, 12, 14, 16, 32]),
        ("lanes", [4, 8, 16, 32, 64, 128, 256]),
        ("cores", [1, 2, 4, 6, 8, 10, 12, 14, 16, 32]),
        ("pe_memory", [262144, 524288, 1048576, 2097152, 4194304, 8388608, 16777216]),
        ("core_memory", [4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4194304]),
        ("instruction_memory", [256, 512, 1024, 2048, 4096, 8192, 16384]),
        ("parameter_memory", [8192, 16384, 32768, 65536]),
        ("activation_memory", [2048, 4096, 8192, 16384, 32768]),
        ("io_bandwidth", [5, 10, 16, 20, 25, 30]),
    ];

    /// <param name="keep">Folder to write the report into and keep (for opening the page); null writes to a temporary folder and deletes it.</param>
    public static void Run(int trials, TextWriter output, string? keep = null)
    {
        var study = new StudyTrials("bench.db", new StudyInfo(1, new StudyDefinition("bench", "p3bo", 1, 6.8, trials, 256,
            "study: 'bench'\nspace: '/configs/space.yaml'\nbaseline: '/configs/baseline.yaml'\nworkloads: ['mobilenet_v2', 'resnet50']\n"), DateTimeOffset.UnixEpoch),
            Trials(trials, seed: 7));
        var folder = keep ?? Directory.CreateTempSubdirectory("apollo-report-bench-").FullName;
        var processor = Process.GetCurrentProcess().TotalProcessorTime;
        try
        {
            var clock = Stopwatch.StartNew();
            var stages = new List<(string Stage, TimeSpan At)>();
            var result = new ReportBuilder().Build([study], new ReportOptions(folder),
                new Apollo.Search.SynchronousProgress<ReportProgress>(p =>
                {
                    if (stages.Count == 0 || stages[^1].Stage != p.Stage)
                    {
                        stages.Add((p.Stage, clock.Elapsed));
                    }
                }));
            var total = clock.Elapsed;
            // Processor time as well: on a shared machine the wall time says more about the neighbours than about the report.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - processor;
            var map = result.Embeddings[0];
            output.WriteLine(FormattableString.Invariant(
                $"report of {trials} trials: {total.TotalSeconds:F1} s wall, {cpu.TotalSeconds:F1} s processor time on {Environment.ProcessorCount} cores; t-SNE {map.Elapsed.TotalSeconds:F1} s ({(map.BarnesHut ? "Barnes-Hut" : "exact")}), trustworthiness {map.Trustworthiness:F3} on {map.TrustworthinessSample} points"));
            for (var i = 0; i < stages.Count; i++)
            {
                var end = i + 1 < stages.Count ? stages[i + 1].At : total;
                output.WriteLine(FormattableString.Invariant($"  {stages[i].Stage}: {(end - stages[i].At).TotalSeconds:F1} s"));
            }

            output.WriteLine(FormattableString.Invariant($"  report.html {new FileInfo(result.HtmlPath).Length / 1048576.0:F1} MiB, embedding.csv {new FileInfo(result.CsvPath).Length / 1048576.0:F1} MiB"));
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static List<TrialRecord> Trials(int n, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, 40).Select(_ => Grid.Select(g => random.Next(g.Values.Length)).ToArray()).ToArray();
        var members = new[] { "p3bo/evolution", "p3bo/random", "p3bo/regularized" };
        var start = DateTimeOffset.UnixEpoch;
        var trials = new List<TrialRecord>(n);
        for (var i = 0; i < n; i++)
        {
            var centre = centres[random.Next(centres.Length)];
            var parameters = Grid.Select((g, k) => new KeyValuePair<string, double>(g.Name,
                g.Values[Math.Clamp(centre[k] + random.Next(-1, 2) + random.Next(-1, 2), 0, g.Values.Length - 1)])).ToList();
            var area = 1 + (random.NextDouble() * 9);
            TrialOutcome outcome = random.NextDouble() switch
            {
                < 0.45 => new TrialOutcome.Infeasible(new TrialInfeasibility(Apollo.Compiler.Mapping.InfeasibilityStage.Area, Apollo.Compiler.Mapping.InfeasibilityLevel.AreaBudget,
                    null, null, area, 6.8, "mm²", FormattableString.Invariant($"area {area:F3} mm² exceeds the budget of 6.8 mm²")), area),
                < 0.6 => new TrialOutcome.Infeasible(new TrialInfeasibility(Apollo.Compiler.Mapping.InfeasibilityStage.Compile, Apollo.Compiler.Mapping.InfeasibilityLevel.PeMemory,
                    "resnet50", $"layer{random.Next(50)}", 300_000, 262_144, "B", "layer needs 300000 B of PE memory, 262144 B available"), area),
                _ => Completed(random, area),
            };
            trials.Add(new TrialRecord(i, i / 256, parameters, outcome, members[random.Next(members.Length)], 10, start.AddSeconds(i)));
        }

        return trials;
    }

    private static TrialOutcome.Completed Completed(Random random, double area)
    {
        var metrics = new[] { "mobilenet_v2", "resnet50" }.Select(w =>
        {
            var latency = 1e-3 * (1 + (random.NextDouble() * 20));
            return new WorkloadMetric(w, latency, 1 / latency, random.NextDouble() * 3, energyJoules: latency * 0.5, powerWatts: 0.5);
        }).ToList();
        return new TrialOutcome.Completed(metrics.Average(m => m.Speedup), area, metrics);
    }
}
