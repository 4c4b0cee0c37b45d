using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Apollo.Configuration;
using Apollo.Search.Storage;
using Apollo.Simulator.Template;

namespace Apollo.Cli.Output;

/// <summary>
/// A stored trial written as an accelerator file (<c>apollo best --format yaml|json</c>) that
/// <see cref="AcceleratorFiles.LoadAccelerator"/> reads back: only its keys (name, description, technology,
/// parameters), so <c>evaluate --accelerator</c> prices the same point with the same technology. JSON is YAML's
/// flow form, so the JSON file loads too. The technology is an absolute path: the file may be saved anywhere.
/// </summary>
public static class AcceleratorFileText
{
    /// <summary>The trial's design as YAML; its reward, area and latencies as comments (they are not read back).</summary>
    public static string Yaml(string study, TrialRecord trial, string technologyFile)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"# {Description(study, trial)}");
        foreach (var m in trial.Metrics)
        {
            text.AppendLine(inv, $"# {m.Workload}: latency {m.LatencySeconds * 1e3:G6} ms");
        }

        text.AppendLine(inv, $"name: {Quote(Name(study, trial))}");
        text.AppendLine(inv, $"description: {Quote(Description(study, trial))}");
        text.AppendLine(inv, $"technology: {Quote(technologyFile)}");
        text.AppendLine("parameters:");
        foreach (var (name, value) in trial.Parameters)
        {
            text.AppendLine(inv, $"  {name}: {YamlNode.Invariant(value)}");
        }

        return text.ToString();
    }

    /// <summary>The trial's design as one JSON object with the accelerator file's keys.</summary>
    public static JsonObject Json(string study, TrialRecord trial, string technologyFile) => new()
    {
        ["name"] = Name(study, trial),
        ["description"] = Description(study, trial),
        ["technology"] = technologyFile,
        ["parameters"] = EvaluationJson.Object(trial.Parameters),
    };

    private static string Name(string study, TrialRecord trial) => string.Create(CultureInfo.InvariantCulture, $"{study}-trial-{trial.Number}");

    private static string Description(string study, TrialRecord trial) => string.Create(CultureInfo.InvariantCulture,
        $"best design of study '{study}' (trial {trial.Number}): reward {trial.Reward:G6}, area {trial.AreaMm2:G6} mm²");

    /// <summary>A single-quoted YAML scalar: nothing in it is special but the quote, which doubles.</summary>
    private static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
}
