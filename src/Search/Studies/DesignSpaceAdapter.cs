using Apollo.Search.Optimizers;
using Apollo.Search.Space;
using Apollo.Search.Storage;
using Apollo.Simulator.Template;

namespace Apollo.Search.Studies;

/// <summary>
/// The bridge between the accelerator template and the generic search space: optimizers see only
/// <see cref="SearchSpace"/> and <see cref="DesignPoint"/>; the study turns points into configs here.
/// </summary>
public sealed class DesignSpaceAdapter(TemplateSpace template)
{
    public TemplateSpace Template => template;

    public SearchSpace Space { get; } = new(template.Parameters.Select(p => new SearchParameter(p.Name, p.Values)).ToList());

    public AcceleratorConfig ToConfig(DesignPoint point) =>
        AcceleratorConfig.FromParameters(
            Space.Values(point).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            (field, problem) => new InvalidOperationException($"design point {point}: {field}: {problem}"));

    public DesignPoint ToPoint(IEnumerable<KeyValuePair<string, double>> parameters) =>
        Space.FromValues(parameters.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));

    /// <summary>What an optimizer is told about a stored trial: its point, reward, and whether it completed.</summary>
    public Observation Observe(TrialRecord record) =>
        new(ToPoint(record.Parameters), record.Reward, record.Status == TrialStatus.Completed, record.Proposer);
}
