using System.Globalization;
using Apollo.Configuration;

namespace Apollo.Search.Objective;

/// <summary>
/// What a study optimizes (docs/search-config.md): the single objective (<c>objective:</c>), the constraints that
/// need an evaluated point (<c>constraints:</c>), and, for a multi-objective study, the metrics it trades off
/// (<c>objectives:</c>, two or three). Part of the study's identity: written into its snapshot when not the default,
/// so a resume that changes any of it is refused and summaries never pool it with another.
/// </summary>
public sealed record ObjectiveSettings(ObjectiveKind Objective, DesignConstraints Constraints, IReadOnlyList<ParetoObjective> Objectives)
{
    /// <summary>The Apollo study's: throughput per area, no constraints beyond the area budget, one objective.</summary>
    public static ObjectiveSettings Default { get; } = new(ObjectiveKind.ThroughputPerArea, DesignConstraints.None, []);

    /// <summary>The search-config keys read here.</summary>
    public static IReadOnlyList<string> Fields { get; } = ["objective", "constraints", "objectives"];

    /// <summary>Largest power budget: 10,000 W; largest latency and energy budgets: 10⁹ ms and 10⁹ mJ.</summary>
    public const double MaxPowerWatts = 10_000, MaxLatencyMs = 1e9, MaxEnergyMj = 1e9;

    public bool IsMultiObjective => Objectives.Count > 0;

    /// <summary>The Apollo study's objective (what <see cref="Default"/> holds; records with lists compare by reference, so not ==).</summary>
    public bool IsDefault => Objective == ObjectiveKind.ThroughputPerArea && Constraints.IsEmpty && !IsMultiObjective;

    /// <summary>Reads the three keys of a search config (each optional).</summary>
    /// <exception cref="ConfigException">An unknown objective or metric, a bad direction, a budget out of range, a
    /// repeated metric, or not 2–3 objectives; the message names the field and the allowed values.</exception>
    public static ObjectiveSettings Parse(YamlNode root)
    {
        var objective = ObjectiveKind.ThroughputPerArea;
        if (root.TryGet("objective") is { } node && !ObjectiveKinds.TryParse(node.AsString(), out objective))
        {
            throw node.Error($"unknown objective '{node.AsString()}'; valid objectives: {string.Join(", ", ObjectiveKinds.Names)}");
        }

        return new ObjectiveSettings(objective, root.TryGet("constraints") is { } c ? ParseConstraints(c) : DesignConstraints.None, ParseObjectives(root.TryGet("objectives")));
    }

    /// <summary><c>--power-budget</c>: null, or a positive number of W up to <see cref="MaxPowerWatts"/>.</summary>
    /// <exception cref="ConfigException">Out of range; the message names the option.</exception>
    public static double? CheckPowerBudget(double? watts) =>
        watts is null or (> 0 and <= MaxPowerWatts)
            ? watts
            : throw new ConfigException("<command line>", null, "--power-budget", $"must be a positive number of W up to {YamlNode.Invariant(MaxPowerWatts)}, got {YamlNode.Invariant(watts.Value)}");

    /// <summary>The settings with the power budget of <c>--power-budget</c> (null: unchanged).</summary>
    public ObjectiveSettings WithPowerBudget(double? watts) => watts is null ? this : this with { Constraints = Constraints with { PowerWatts = watts } };

    /// <summary>Every workload a constraint names, for the check against the selected workloads.</summary>
    public IEnumerable<(string Field, string Workload)> NamedWorkloads() =>
        (Constraints.LatencyMs?.PerWorkload.Keys.Select(w => ($"constraints.latency_ms.{w}", w)) ?? [])
            .Concat(Constraints.EnergyMj?.PerWorkload.Keys.Select(w => ($"constraints.energy_mj.{w}", w)) ?? []);

    /// <summary>Snapshot lines, only for what differs from the default, so earlier snapshots still match.</summary>
    public IEnumerable<string> SnapshotLines()
    {
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string Budget(WorkloadBudget b) =>
            b.PerWorkload.Count == 0 && b.All is { } all ? N(all)
            : "{" + string.Join(", ", (b.All is { } a ? new[] { $"'*': {N(a)}" } : []).Concat(b.PerWorkload.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"'{kv.Key.Replace("'", "''", StringComparison.Ordinal)}': {N(kv.Value)}"))) + "}";
        if (Objective != ObjectiveKind.ThroughputPerArea)
        {
            yield return $"objective: '{Objective.Text()}'";
        }

        if (!Constraints.IsEmpty)
        {
            var parts = new List<string>();
            if (Constraints.PowerWatts is { } p)
            {
                parts.Add($"power_w: {N(p)}");
            }

            if (Constraints.LatencyMs is { } l)
            {
                parts.Add($"latency_ms: {Budget(l)}");
            }

            if (Constraints.EnergyMj is { } e)
            {
                parts.Add($"energy_mj: {Budget(e)}");
            }

            yield return $"constraints: {{{string.Join(", ", parts)}}}";
        }

        if (IsMultiObjective)
        {
            yield return $"objectives: [{string.Join(", ", Objectives.Select(o => $"{{metric: '{o.Name}', direction: '{o.Direction}', reference: {N(o.Reference)}}}"))}]";
        }
    }

    private static DesignConstraints ParseConstraints(YamlNode node)
    {
        node.RejectUnknownKeys("power_w", "latency_ms", "energy_mj");
        return new DesignConstraints(
            node.TryGet("power_w") is { } p ? Positive(p, MaxPowerWatts, "W") : null,
            node.TryGet("latency_ms") is { } l ? ParseBudget(l, MaxLatencyMs, "ms") : null,
            node.TryGet("energy_mj") is { } e ? ParseBudget(e, MaxEnergyMj, "mJ") : null);
    }

    /// <summary>One number for every workload, or a mapping of workload names to numbers.</summary>
    private static WorkloadBudget ParseBudget(YamlNode node, double max, string unit)
    {
        if (!node.IsMapping)
        {
            return new WorkloadBudget(Positive(node, max, unit), new Dictionary<string, double>());
        }

        var per = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in node.Entries())
        {
            per[name] = Positive(value, max, unit);
        }

        return per.Count > 0 ? new WorkloadBudget(null, per) : throw node.Error($"give one budget in {unit} for every workload, or a mapping of workload names to budgets");
    }

    private static double Positive(YamlNode node, double max, string unit)
    {
        var v = node.AsDouble();
        return v > 0 && v <= max ? v : throw node.Error($"must be a positive number of {unit} up to {YamlNode.Invariant(max)}, got {node.AsString()}");
    }

    private static List<ParetoObjective> ParseObjectives(YamlNode? node)
    {
        if (node is null)
        {
            return [];
        }

        if (!node.IsSequence)
        {
            throw node.Error($"a list of two or three metrics, e.g. [latency, energy, area]; metrics: {string.Join(", ", ParetoObjective.MetricNames)}");
        }

        var items = node.Items();
        if (items.Count is < 2 or > 3)
        {
            throw node.Error($"a multi-objective study has two or three objectives, got {items.Count} (for one, use 'objective:')");
        }

        var result = new List<ParetoObjective>();
        foreach (var item in items)
        {
            var nameNode = item.IsMapping ? item.Get("metric") : item;
            if (item.IsMapping)
            {
                item.RejectUnknownKeys("metric", "direction", "reference");
            }

            if (!ParetoObjective.TryParse(nameNode.AsString(), out var metric))
            {
                throw nameNode.Error($"unknown metric '{nameNode.AsString()}'; valid metrics: {string.Join(", ", ParetoObjective.MetricNames)}");
            }

            if (result.Any(o => o.Metric == metric))
            {
                throw nameNode.Error($"metric '{nameNode.AsString()}' is listed twice");
            }

            var minimize = ParetoObjective.NaturallyMinimized(metric);
            if (item.IsMapping && item.TryGet("direction") is { } d)
            {
                minimize = d.AsChoice("minimize", "maximize") == "minimize";
            }

            var reference = minimize ? 2.0 : 0.5;
            if (item.IsMapping && item.TryGet("reference") is { } r)
            {
                reference = r.AsDouble(1e-6, 1e6, "× the baseline's value");
            }

            result.Add(new ParetoObjective(metric, minimize, reference));
        }

        return result;
    }
}
