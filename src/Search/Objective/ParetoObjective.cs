using Apollo.Search.Storage;

namespace Apollo.Search.Objective;

/// <summary>A metric a multi-objective study trades off (<c>objectives:</c> in a search config).</summary>
public enum ParetoMetric
{
    /// <summary>Weighted geometric mean over workloads of the latency, in ms (natural direction: minimize).</summary>
    Latency,

    /// <summary>Weighted geometric mean of the energy per inference, in mJ (minimize).</summary>
    Energy,

    /// <summary>Area in mm² (minimize).</summary>
    Area,

    /// <summary>Weighted geometric mean of the average power, in W (minimize).</summary>
    Power,

    /// <summary>Weighted geometric mean of throughput per mm², inferences/s/mm² (maximize).</summary>
    ThroughputPerArea,

    /// <summary>Weighted geometric mean of inferences per joule at the average power (maximize).</summary>
    ThroughputPerWatt,

    /// <summary>Weighted geometric mean of energy × latency, mJ·ms (minimize).</summary>
    Edp,
}

/// <summary>
/// One objective of a multi-objective study: a metric, its direction, and the hypervolume reference in units of the
/// baseline's value (default 2 for a minimized metric: twice the baseline's; 0.5 for a maximized one).
/// </summary>
public sealed record ParetoObjective(ParetoMetric Metric, bool Minimize, double Reference)
{
    /// <summary>Every metric name, in <see cref="ParetoMetric"/> order.</summary>
    public static IReadOnlyList<string> MetricNames { get; } = Enum.GetValues<ParetoMetric>().Select(Text).ToList();

    public string Name => Text(Metric);

    public string Direction => Minimize ? "minimize" : "maximize";

    /// <summary>The metric's unit, for tables.</summary>
    public string Unit => Metric switch
    {
        ParetoMetric.Latency => "ms",
        ParetoMetric.Energy => "mJ",
        ParetoMetric.Area => "mm²",
        ParetoMetric.Power => "W",
        ParetoMetric.ThroughputPerArea => "1/s/mm²",
        ParetoMetric.ThroughputPerWatt => "1/J",
        _ => "mJ·ms",
    };

    public static bool NaturallyMinimized(ParetoMetric metric) => metric is not (ParetoMetric.ThroughputPerArea or ParetoMetric.ThroughputPerWatt);

    public static string Text(ParetoMetric metric) => metric switch
    {
        ParetoMetric.Latency => "latency",
        ParetoMetric.Energy => "energy",
        ParetoMetric.Area => "area",
        ParetoMetric.Power => "power",
        ParetoMetric.ThroughputPerArea => "throughput_per_area",
        ParetoMetric.ThroughputPerWatt => "throughput_per_watt",
        ParetoMetric.Edp => "edp",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    public static bool TryParse(string text, out ParetoMetric metric)
    {
        foreach (var m in Enum.GetValues<ParetoMetric>())
        {
            if (Text(m) == text)
            {
                metric = m;
                return true;
            }
        }

        metric = default;
        return false;
    }

    /// <summary>
    /// The metric's value for a completed trial, in its unit: area as measured, per-workload metrics as their weighted
    /// geometric mean (in workload order, so the same trial gives the same bits).
    /// </summary>
    /// <exception cref="ArgumentException">The metric needs energy or power and the trial lacks it.</exception>
    public double Value(double areaMm2, IReadOnlyList<WorkloadMetric> metrics, IReadOnlyDictionary<string, double> weights)
    {
        if (Metric == ParetoMetric.Area)
        {
            return areaMm2;
        }

        double logSum = 0, weightSum = 0;
        foreach (var m in metrics)
        {
            var weight = weights.GetValueOrDefault(m.Workload, 1.0);
            logSum += weight * Math.Log(PerWorkload(m, areaMm2));
            weightSum += weight;
        }

        return Math.Exp(logSum / weightSum);
    }

    private double PerWorkload(WorkloadMetric m, double areaMm2)
    {
        double Energy() => (m.EnergyJoules ?? throw new ArgumentException($"objective {Name} needs the energy of workload '{m.Workload}'")) * 1e3;
        double Power() => m.PowerWatts ?? throw new ArgumentException($"objective {Name} needs the power of workload '{m.Workload}'");
        return Metric switch
        {
            ParetoMetric.Latency => m.LatencySeconds * 1e3,
            ParetoMetric.Energy => Energy(),
            ParetoMetric.Power => Power(),
            ParetoMetric.ThroughputPerArea => m.ThroughputPerSecond / areaMm2,
            ParetoMetric.ThroughputPerWatt => m.ThroughputPerSecond / Power(),
            ParetoMetric.Edp => Energy() * m.LatencySeconds * 1e3,
            _ => throw new ArgumentOutOfRangeException(nameof(Metric), Metric, "Unknown metric."),
        };
    }
}
