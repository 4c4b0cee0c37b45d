namespace Apollo.Search.Objective;

/// <summary>
/// What a single-objective study maximizes (DESIGN §6, <c>objective:</c> in a search config). Every kind is a
/// per-workload ratio to the baseline, larger better, so the baseline scores exactly 1.0 on each workload and the
/// reward is the weighted geometric mean of the ratios.
/// </summary>
public enum ObjectiveKind
{
    /// <summary>(throughput/area)(x) / (throughput/area)(baseline): the Apollo study's reward, the default.</summary>
    ThroughputPerArea,

    /// <summary>latency(baseline) / latency(x): speedup, the study's "weighted average of runtime".</summary>
    Latency,

    /// <summary>energy per inference(baseline) / energy per inference(x).</summary>
    Energy,

    /// <summary>(throughput/power)(x) / (throughput/power)(baseline): inferences per joule at the average power.</summary>
    ThroughputPerWatt,

    /// <summary>(energy·latency)(baseline) / (energy·latency)(x): the energy-delay product.</summary>
    Edp,
}

/// <summary>The stable snake_case names of <see cref="ObjectiveKind"/>: what configs, snapshots and messages say.</summary>
public static class ObjectiveKinds
{
    /// <summary>Every name, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<ObjectiveKind>().Select(Text).ToList();

    public static string Text(this ObjectiveKind kind) => kind switch
    {
        ObjectiveKind.ThroughputPerArea => "throughput_per_area",
        ObjectiveKind.Latency => "latency",
        ObjectiveKind.Energy => "energy",
        ObjectiveKind.ThroughputPerWatt => "throughput_per_watt",
        ObjectiveKind.Edp => "edp",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown objective."),
    };

    /// <summary>The kind named <paramref name="text"/>; false for any other text.</summary>
    public static bool TryParse(string? text, out ObjectiveKind kind)
    {
        foreach (var k in Enum.GetValues<ObjectiveKind>())
        {
            if (k.Text() == text)
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>True when the kind reads energy or power, which a result must then carry.</summary>
    public static bool NeedsEnergy(this ObjectiveKind kind) => kind is ObjectiveKind.Energy or ObjectiveKind.ThroughputPerWatt or ObjectiveKind.Edp;
}
