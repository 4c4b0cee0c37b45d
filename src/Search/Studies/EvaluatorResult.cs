using System.Globalization;
using System.Text.Json;
using Apollo.Compiler.Mapping;
using Apollo.Search.Storage;

namespace Apollo.Search.Studies;

/// <summary>One workload's numbers as an external evaluator reported them.</summary>
public sealed record ReportedWorkload(string Workload, double LatencySeconds, double? EnergyJoules, double? PowerWatts);

/// <summary>
/// A validated <c>result.json</c> (docs/evaluators.md): either the point's area and every selected workload's
/// latency (<see cref="Feasible"/>), or why it cannot be built (<see cref="Infeasible"/>).
/// </summary>
public abstract record EvaluatorResult
{
    private EvaluatorResult()
    {
    }

    /// <summary>Area and per-workload numbers, in the study's workload order.</summary>
    public sealed record Feasible(double AreaMm2, IReadOnlyList<ReportedWorkload> Workloads) : EvaluatorResult;

    /// <summary>The evaluator's own verdict that the point cannot be built.</summary>
    public sealed record Infeasible(TrialInfeasibility Reason, double? AreaMm2) : EvaluatorResult;

    /// <summary>Reads and validates <paramref name="json"/>; any problem is a <see cref="FormatException"/> with a reason for people.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="workloads">The study's workloads: exactly these must be reported.</param>
    public static EvaluatorResult Parse(string json, IReadOnlyList<string> workloads)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"result.json is not JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"result.json must hold an object, not {Kind(root)}");
            }

            Only(root, "result.json", "area_mm2", "workloads", "infeasible");
            if (root.TryGetProperty("infeasible", out var infeasible))
            {
                if (root.TryGetProperty("workloads", out _))
                {
                    throw new FormatException("result.json has both 'infeasible' and 'workloads'; give one");
                }

                return new Infeasible(ParseReason(infeasible), root.TryGetProperty("area_mm2", out var a) ? Number(a, "area_mm2", positive: true) : null);
            }

            var area = Number(Required(root, "area_mm2", "result.json"), "area_mm2", positive: true);
            var reported = Required(root, "workloads", "result.json");
            if (reported.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"'workloads' must be an object of workload name → {{latency_s, ...}}, not {Kind(reported)}");
            }

            var byName = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var p in reported.EnumerateObject())
            {
                if (!workloads.Contains(p.Name, StringComparer.Ordinal))
                {
                    throw new FormatException($"'workloads' names '{p.Name}', which is not a workload of the study ({string.Join(", ", workloads)})");
                }

                if (!byName.TryAdd(p.Name, p.Value))
                {
                    throw new FormatException($"'workloads' names '{p.Name}' twice");
                }
            }

            var missing = workloads.Where(w => !byName.ContainsKey(w)).ToList();
            if (missing.Count > 0)
            {
                throw new FormatException($"'workloads' lacks {string.Join(", ", missing)}; every workload of the study must be reported");
            }

            return new Feasible(area, workloads.Select(w => Workload(w, byName[w])).ToList());
        }
    }

    private static ReportedWorkload Workload(string name, JsonElement e)
    {
        var where = $"workloads.{name}";
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"'{where}' must be an object {{latency_s, energy_j, power_w}}, not {Kind(e)}");
        }

        Only(e, where, "latency_s", "energy_j", "power_w");
        return new ReportedWorkload(
            name,
            Number(Required(e, "latency_s", where), $"{where}.latency_s", positive: true),
            e.TryGetProperty("energy_j", out var j) ? Number(j, $"{where}.energy_j", positive: false) : null,
            e.TryGetProperty("power_w", out var p) ? Number(p, $"{where}.power_w", positive: false) : null);
    }

    private static TrialInfeasibility ParseReason(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"'infeasible' must be an object {{stage, level, reason, ...}}, not {Kind(e)}");
        }

        Only(e, "infeasible", "stage", "level", "reason", "workload", "layer", "needed", "available", "unit");
        var stageText = Text(Required(e, "stage", "infeasible"), "infeasible.stage");
        if (!InfeasibilityText.TryParseStage(stageText, out var stage))
        {
            throw new FormatException($"'infeasible.stage' is '{stageText}'; allowed: {InfeasibilityText.AllStages}");
        }

        var levels = InfeasibilityText.AllLevels;
        InfeasibilityLevel level;
        if (e.TryGetProperty("level", out var l))
        {
            var levelText = Text(l, "infeasible.level");
            if (!InfeasibilityText.TryParseLevel(levelText, out level))
            {
                throw new FormatException($"'infeasible.level' is '{levelText}'; allowed: {levels}");
            }
        }
        else
        {
            level = stage == InfeasibilityStage.Area ? InfeasibilityLevel.AreaBudget
                : throw new FormatException($"'infeasible.level' is required for stage '{stageText}'; allowed: {levels}");
        }

        var reason = Text(Required(e, "reason", "infeasible"), "infeasible.reason");
        double? needed = e.TryGetProperty("needed", out var n) ? Number(n, "infeasible.needed", positive: false) : null;
        double? available = e.TryGetProperty("available", out var a) ? Number(a, "infeasible.available", positive: false) : null;
        var unit = e.TryGetProperty("unit", out var u) ? Text(u, "infeasible.unit") : null;
        if ((needed is null) != (available is null) || (needed is null) != (unit is null))
        {
            throw new FormatException("'infeasible' gives some of needed, available and unit; give all three or none");
        }

        return new TrialInfeasibility(
            stage, level, e.TryGetProperty("workload", out var w) ? Text(w, "infeasible.workload") : null,
            e.TryGetProperty("layer", out var y) ? Text(y, "infeasible.layer") : null, needed, available, unit, reason);
    }

    private static void Only(JsonElement e, string where, params string[] allowed)
    {
        foreach (var p in e.EnumerateObject().Where(p => !allowed.Contains(p.Name, StringComparer.Ordinal)))
        {
            throw new FormatException($"'{where}' has the unknown field '{p.Name}'; allowed fields: {string.Join(", ", allowed)}");
        }
    }

    private static JsonElement Required(JsonElement e, string field, string where) =>
        e.TryGetProperty(field, out var v) ? v : throw new FormatException($"'{where}' lacks the required field '{field}'");

    private static double Number(JsonElement e, string field, bool positive)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var v) || !double.IsFinite(v))
        {
            throw new FormatException($"'{field}' must be a finite number, got {Kind(e)} {Echo(e)}");
        }

        return positive ? (v > 0 ? v : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{field}' must be positive, got {v:R}")))
            : (v >= 0 ? v : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{field}' must not be negative, got {v:R}")));
    }

    private static string Text(JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.String && e.GetString() is { } s && s.Trim().Length > 0
            ? s
            : throw new FormatException($"'{field}' must be non-empty text, got {Kind(e)} {Echo(e)}");

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    private static string Echo(JsonElement e)
    {
        var raw = e.GetRawText();
        return raw.Length > 60 ? raw[..60] + "..." : raw;
    }
}
