using System.Globalization;

namespace Apollo.Compiler.Mapping;

/// <summary>Which check found a design point infeasible, cheapest first. Stored as <see cref="InfeasibilityText"/>.</summary>
public enum InfeasibilityStage
{
    /// <summary>The a-priori area estimate exceeds the budget; nothing was compiled.</summary>
    Area,

    /// <summary>The mapping compiler found no mapping of a layer that fits every memory level.</summary>
    Compile,

    /// <summary>The point compiled and ran, but a study's budget on power, latency or energy is exceeded.</summary>
    Constraint,
}

/// <summary>What ran out: the area budget or one memory level of the template. Stored as <see cref="InfeasibilityText"/>.</summary>
public enum InfeasibilityLevel
{
    AreaBudget,
    ParameterMemory,
    ActivationMemory,
    CoreMemory,
    PeMemory,
    InstructionMemory,

    /// <summary>A workload's average power is over the study's power budget (W).</summary>
    PowerBudget,

    /// <summary>A workload's latency is over its latency budget (ms).</summary>
    LatencyBudget,

    /// <summary>A workload's energy per inference is over its energy budget (mJ).</summary>
    EnergyBudget,
}

/// <summary>
/// The stable snake_case text of stages and levels (<c>area</c>, <c>compile</c>, <c>area_budget</c>,
/// <c>parameter_memory</c>, ...): what the trial store holds, the JSON shows and messages name. Never renamed.
/// </summary>
public static class InfeasibilityText
{
    private static readonly Dictionary<string, InfeasibilityStage> Stages =
        Enum.GetValues<InfeasibilityStage>().ToDictionary(s => s.Text(), StringComparer.Ordinal);

    private static readonly Dictionary<string, InfeasibilityLevel> Levels =
        Enum.GetValues<InfeasibilityLevel>().ToDictionary(l => l.Text(), StringComparer.Ordinal);

    public static string Text(this InfeasibilityStage stage) => stage switch
    {
        InfeasibilityStage.Area => "area",
        InfeasibilityStage.Compile => "compile",
        InfeasibilityStage.Constraint => "constraint",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown infeasibility stage."),
    };

    public static string Text(this InfeasibilityLevel level) => level switch
    {
        InfeasibilityLevel.AreaBudget => "area_budget",
        InfeasibilityLevel.ParameterMemory => "parameter_memory",
        InfeasibilityLevel.ActivationMemory => "activation_memory",
        InfeasibilityLevel.CoreMemory => "core_memory",
        InfeasibilityLevel.PeMemory => "pe_memory",
        InfeasibilityLevel.InstructionMemory => "instruction_memory",
        InfeasibilityLevel.PowerBudget => "power_budget",
        InfeasibilityLevel.LatencyBudget => "latency_budget",
        InfeasibilityLevel.EnergyBudget => "energy_budget",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown infeasibility level."),
    };

    /// <summary>Every stage's text, comma-separated, for messages that list the allowed values.</summary>
    public static string AllStages => string.Join(", ", Stages.Keys);

    /// <summary>Every level's text, comma-separated, for messages that list the allowed values.</summary>
    public static string AllLevels => string.Join(", ", Levels.Keys);

    /// <summary>The stage whose text is <paramref name="text"/>; false for any other text.</summary>
    public static bool TryParseStage(string? text, out InfeasibilityStage stage) => Stages.TryGetValue(text ?? "", out stage);

    /// <summary>The level whose text is <paramref name="text"/>; false for any other text.</summary>
    public static bool TryParseLevel(string? text, out InfeasibilityLevel level) => Levels.TryGetValue(text ?? "", out level);
}

/// <summary>
/// Why a design point cannot run a workload: the stage that found it, the level that ran out, the workload and
/// layer (compile stage), and what was needed against what is available, with the unit. Immutable; the numbers
/// are checked once, when set (finite and non-negative, a non-empty unit), so <c>with</c> keeps them valid too.
/// </summary>
/// <remarks>
/// <see cref="Message"/> is rendered from the fields, so naming another layer of the same shape is
/// <c>reason with { Layer = ..., Workload = ... }</c>. Area stage: "area 7.312 mm² exceeds the budget of 6.800 mm²".
/// Compile stage: "layer conv_12 of resnet50: smallest weight tile (double-buffered) needs 73,728 B,
/// parameter_memory holds 32,768 B", where the part before "needs" is <see cref="Detail"/>.
/// </remarks>
public sealed record InfeasibleReason
{
    /// <exception cref="ArgumentException">A stage or level outside the enum, a number that is NaN, infinite or
    /// negative, or an empty unit.</exception>
    public InfeasibleReason(
        InfeasibilityStage stage,
        InfeasibilityLevel level,
        string? workload,
        string? layer,
        double needed,
        double available,
        string unit,
        string? detail = null)
    {
        Stage = stage;
        Level = level;
        Workload = workload;
        Layer = layer;
        Needed = needed;
        Available = available;
        Unit = unit;
        Detail = detail;
    }

    public InfeasibilityStage Stage
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Stage), value, "Unknown infeasibility stage.");
    }

    public InfeasibilityLevel Level
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Level), value, "Unknown infeasibility level.");
    }

    /// <summary>The network that could not be mapped; null for the area stage.</summary>
    public string? Workload { get; init; }

    /// <summary>The first layer that could not be mapped; null for the area stage.</summary>
    public string? Layer { get; init; }

    /// <summary>What the nearest miss needs, in <see cref="Unit"/>.</summary>
    public double Needed
    {
        get;
        init => field = NonNegative(value, nameof(Needed));
    }

    /// <summary>What the level holds, in <see cref="Unit"/>.</summary>
    public double Available
    {
        get;
        init => field = NonNegative(value, nameof(Available));
    }

    /// <summary><c>mm²</c>, <c>B</c> or <c>entries</c>.</summary>
    public string Unit
    {
        get;
        init => field = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("An infeasibility reason needs a unit.", nameof(Unit)) : value;
    }

    /// <summary>What needed the space, e.g. "smallest weight tile (double-buffered)"; null for the area stage.</summary>
    public string? Detail { get; init; }

    /// <summary>One line for people, rendered from the fields (see the remarks for the wording).</summary>
    public string Message => Stage switch
    {
        InfeasibilityStage.Area => string.Create(CultureInfo.InvariantCulture, $"area {Needed:F3} {Unit} exceeds the budget of {Available:F3} {Unit}"),
        InfeasibilityStage.Constraint => string.Create(CultureInfo.InvariantCulture,
            $"{Where()}{Level.Text()[..Level.Text().IndexOf('_', StringComparison.Ordinal)]} {Needed:F3} {Unit} exceeds the budget of {Available:F3} {Unit}"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"{Where()}{Detail ?? "the smallest mapping"} needs {Needed:N0} {Unit}, {Level.Text()} holds {Available:N0} {Unit}"),
    };

    private string Where() => (Layer, Workload) switch
    {
        (null, null) => "",
        (null, { } w) => $"{w}: ",
        ({ } l, null) => $"layer {l}: ",
        ({ } l, { } w) => $"layer {l} of {w}: ",
    };

    private static double NonNegative(double value, string name) =>
        double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, "Infeasibility numbers must be finite and non-negative.");
}
