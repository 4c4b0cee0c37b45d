using System.Globalization;
using System.Text.Json;
using Apollo.Compiler.Mapping;
using Apollo.Configuration;
using Apollo.Search.Objective;
using Apollo.Search.Storage;

namespace Apollo.Cli.Commands;

/// <summary>A told result as a trial outcome, and the reward the result itself claimed (null when it gave none).</summary>
public sealed record ToldOutcome(TrialOutcome Outcome, double? GivenReward);

/// <summary>
/// Reads the result JSON of <c>apollo tell</c> (docs/cli.md): the object <c>evaluate --format json</c> (or a line of
/// <c>evaluate --batch</c>) prints, or a minimal one. The reward is never taken from the input: it is computed from
/// the area and the per-workload throughputs with the study's own <see cref="RewardFunction"/>, so a result from
/// <c>evaluate --config</c> with the study's config is stored with the reward <c>search</c> would store, bit for bit.
/// </summary>
public static class TellResult
{
    /// <summary>The outcome <paramref name="text"/> describes for a trial at <paramref name="parameters"/>.</summary>
    /// <exception cref="ConfigException">Not one JSON object of a known shape, another point than the trial's, other
    /// workloads than the study's, or a number out of range; the message says which field.</exception>
    public static ToldOutcome Parse(string text, string source, IReadOnlyList<KeyValuePair<string, double>> parameters, IReadOnlyList<string> workloads, RewardFunction reward)
    {
        ConfigException Bad(string field, string problem) => new(source, null, field, problem);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw Bad("result", $"not JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad("result", "expected one JSON object, e.g. the output of 'apollo evaluate --config SEARCH.yaml --format json'");
            }

            if (root.TryGetProperty("accelerator", out var accelerator))
            {
                CheckPoint(accelerator, parameters, Bad);
            }

            if (!root.TryGetProperty("feasible", out var feasible) || feasible.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(error.GetString()))
                {
                    return new ToldOutcome(new TrialOutcome.Failed(error.GetString()!), null);
                }

                throw Bad("feasible", "required: true or false (or give {\"error\": \"...\"} for a failed evaluation)");
            }

            var given = root.TryGetProperty("reward", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetDouble() : (double?)null;
            try
            {
                return new ToldOutcome(feasible.GetBoolean() ? Completed(root, workloads, reward, Bad) : Infeasible(root, Bad), given);
            }
            catch (ArgumentException e)
            {
                throw Bad("result", e.Message);
            }
        }
    }

    private static void CheckPoint(JsonElement accelerator, IReadOnlyList<KeyValuePair<string, double>> parameters, Func<string, string, ConfigException> bad)
    {
        if (accelerator.ValueKind != JsonValueKind.Object)
        {
            throw bad("accelerator", "expected an object of parameter values");
        }

        foreach (var (name, value) in parameters)
        {
            if (!accelerator.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number || !v.GetDouble().Equals(value))
            {
                throw bad($"accelerator.{name}", string.Create(CultureInfo.InvariantCulture,
                    $"the result is for another point: the trial has {name} = {value:R}, the result {(v.ValueKind == JsonValueKind.Undefined ? "none" : v.GetRawText())}"));
            }
        }
    }

    private static TrialOutcome.Completed Completed(JsonElement root, IReadOnlyList<string> workloads, RewardFunction reward, Func<string, string, ConfigException> bad)
    {
        var area = Number(root, "area_mm2", bad) ?? throw bad("area_mm2", "required for a feasible result");
        if (!root.TryGetProperty("workloads", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw bad("workloads", "required for a feasible result: an array of {\"name\", \"throughput_per_s\", \"latency_ms\"}");
        }

        var given = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var item in list.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw bad("workloads", "every item needs a \"name\"");
            if (!given.TryAdd(name, item))
            {
                throw bad($"workloads.{name}", "given more than once");
            }
        }

        var missing = workloads.Where(w => !given.ContainsKey(w)).ToList();
        var extra = given.Keys.Where(w => !workloads.Contains(w)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            throw bad("workloads", $"the study's workloads are {string.Join(", ", workloads)}; the result {(missing.Count > 0 ? "lacks " + string.Join(", ", missing) : "")}{(missing.Count > 0 && extra.Count > 0 ? " and " : "")}{(extra.Count > 0 ? "has " + string.Join(", ", extra) : "")}");
        }

        // In the study's workload order, as search stores them and as the reward sums them.
        var rows = workloads.Select(w =>
        {
            var item = given[w];
            string F(string field) => $"workloads.{w}.{field}";
            var throughput = Number(item, "throughput_per_s", bad, F) ?? throw bad(F("throughput_per_s"), "required");
            var latency = Number(item, "latency_s", bad, F) ?? (Number(item, "latency_ms", bad, F) is { } ms ? ms / 1e3 : throw bad(F("latency_ms"), "required (or latency_s)"));
            var energy = Number(item, "energy_j", bad, F) ?? (Number(item, "energy_mj", bad, F) is { } mj ? mj / 1e3 : null);
            return (Workload: w, Throughput: throughput, Latency: latency, Energy: energy, Power: Number(item, "power_w", bad, F));
        }).ToList();
        var speedups = reward.Speedups(area, rows.Select(x => new WorkloadMeasure(x.Workload, x.Throughput, x.Latency, x.Energy, x.Power)).ToList());
        var metrics = rows.Select((x, i) => new WorkloadMetric(x.Workload, x.Latency, x.Throughput, speedups[i].Speedup, x.Energy, x.Power)).ToList();
        return new TrialOutcome.Completed(RewardFunction.Reward(speedups), area, metrics);
    }

    private static TrialOutcome.Infeasible Infeasible(JsonElement root, Func<string, string, ConfigException> bad)
    {
        // evaluate's shape nests the reason under "infeasible"; the minimal one puts stage, level and reason at the top.
        var nested = root.TryGetProperty("infeasible", out var i) && i.ValueKind == JsonValueKind.Object;
        var reason = nested ? i : root;
        string Prefix(string field) => nested ? "infeasible." + field : field;
        var stageText = Text(reason, "stage") ?? throw bad(Prefix("stage"), $"required for an infeasible result: {InfeasibilityText.AllStages}");
        if (!InfeasibilityText.TryParseStage(stageText, out var stage))
        {
            throw bad(Prefix("stage"), $"'{CliValues.Echo(stageText)}' is not a stage: {InfeasibilityText.AllStages}");
        }

        var levelText = Text(reason, "level") ?? (stage == InfeasibilityStage.Area ? InfeasibilityLevel.AreaBudget.Text() : throw bad(Prefix("level"), $"required for stage {stageText}: {InfeasibilityText.AllLevels}"));
        if (!InfeasibilityText.TryParseLevel(levelText, out var level))
        {
            throw bad(Prefix("level"), $"'{CliValues.Echo(levelText)}' is not a level: {InfeasibilityText.AllLevels}");
        }

        var message = Text(reason, "message") ?? Text(reason, "reason") ?? throw bad(Prefix("reason"), "required for an infeasible result: why, in words");
        var area = Number(root, "area_mm2", bad);
        return new TrialOutcome.Infeasible(
            new TrialInfeasibility(stage, level, Text(reason, "workload"), Text(reason, "layer"), Number(reason, "needed", bad, Prefix), Number(reason, "available", bad, Prefix), Text(reason, "unit"), message),
            area);
    }

    private static string? Text(JsonElement obj, string field) =>
        obj.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement obj, string field, Func<string, string, ConfigException> bad, Func<string, string>? name = null)
    {
        if (!obj.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d)
            ? d
            : throw bad(name?.Invoke(field) ?? field, $"expected a finite number, got {CliValues.Echo(v.GetRawText())}");
    }
}
