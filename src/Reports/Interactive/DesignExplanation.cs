using Apollo.Compiler.Evaluation;

namespace Apollo.Reports.Interactive;

/// <summary>One component of a design's area (MAC arrays, a memory kind, the NoC, ...), in mm².</summary>
public sealed record AreaShare(string Component, double Mm2);

/// <summary>
/// Where one network's cycles go on a design: Σ over layers × repeat of compute, memory-stall and overhead cycles,
/// plus the fixed per-inference cycles (invocation, network input and output over the link).
/// </summary>
public sealed record NetworkResult(
    string Workload, double LatencyMs, double ThroughputPerSecond, double EnergyMj, long DramBytes, double Utilization,
    long ComputeCycles, long MemoryStallCycles, long OverheadCycles, long FixedCycles, string Binding);

/// <summary>One layer's cycle breakdown for one execution (it runs <paramref name="Repeat"/> times per inference) and the resource that binds it.</summary>
public sealed record LayerBottleneck(
    string Workload, string Layer, int Repeat, long ComputeCycles, long MemoryStallCycles, long OverheadCycles,
    double Utilization, long DramBytes, string Binding);

/// <summary>A design re-evaluated with the simulator: its parameters, area breakdown, networks and layers.</summary>
public sealed record EvaluatedDesign(
    IReadOnlyList<KeyValuePair<string, double>> Parameters, double AreaMm2, IReadOnlyList<AreaShare> Area,
    IReadOnlyList<NetworkResult> Networks, IReadOnlyList<LayerBottleneck> Layers)
{
    /// <summary>
    /// The resource that binds a layer or network: the largest of its compute cycles (the MAC lanes are busy),
    /// memory-stall cycles (waiting on DRAM/link transfers the schedule could not hide) and overhead cycles
    /// (instruction issue, synchronisation, DMA set-up).
    /// </summary>
    public static string BindingOf(long compute, long stall, long overhead) =>
        compute >= stall && compute >= overhead ? "compute" : stall >= overhead ? "memory stall" : "overhead";

    /// <summary>The record of a feasible evaluation.</summary>
    /// <exception cref="ArgumentException">The evaluation is infeasible: there is nothing to explain.</exception>
    public static EvaluatedDesign Of(DesignEvaluation evaluation)
    {
        if (!evaluation.IsFeasible)
        {
            throw new ArgumentException($"the design is infeasible: {evaluation.Infeasible!.Message}", nameof(evaluation));
        }

        var networks = new List<NetworkResult>();
        var layers = new List<LayerBottleneck>();
        foreach (var w in evaluation.Workloads)
        {
            long compute = 0, stall = 0, overhead = 0;
            foreach (var l in w.Layers)
            {
                var t = l.Timing;
                compute += t.ComputeCycles * l.Repeat;
                stall += t.MemoryStallCycles * l.Repeat;
                overhead += t.OverheadCycles * l.Repeat;
                layers.Add(new LayerBottleneck(w.Workload, l.Name, l.Repeat, t.ComputeCycles, t.MemoryStallCycles, t.OverheadCycles,
                    ReportData.Significant(t.Utilization), t.DramBytes, BindingOf(t.ComputeCycles, t.MemoryStallCycles, t.OverheadCycles)));
            }

            networks.Add(new NetworkResult(w.Workload, ReportData.Significant(w.LatencySeconds * 1e3), ReportData.Significant(w.ThroughputPerSecond),
                ReportData.Significant(w.EnergyJoules * 1e3), w.DramBytes, ReportData.Significant(w.Utilization), compute, stall, overhead, w.FixedCycles,
                BindingOf(compute, stall, overhead + w.FixedCycles)));
        }

        return new EvaluatedDesign(
            evaluation.Config.ToParameters(), ReportData.Significant(evaluation.Area.TotalMm2),
            evaluation.Area.Components.Select(c => new AreaShare(c.Name, ReportData.Significant(c.Mm2))).ToList(), networks, layers);
    }
}

/// <summary>Why a fingerprint's best design wins: it and the study's baseline, re-evaluated on the study's workloads.</summary>
public sealed record DesignExplanation(string Fingerprint, string Study, int Trial, double Reward, EvaluatedDesign Best, EvaluatedDesign Baseline);

/// <summary>
/// Re-evaluates a study's best trial and its baseline with the simulator, under the study's own settings (space,
/// technology, workloads, baseline). The report calls it once per objective fingerprint; it returns null when the
/// study cannot be re-evaluated here (an external evaluator, or files that moved), and the page then says so.
/// Implemented by the CLI, which knows how a study's config snapshot becomes an objective.
/// </summary>
public delegate DesignExplanation? ExplainBest(StudyTrials study, Apollo.Search.Storage.TrialRecord best);
