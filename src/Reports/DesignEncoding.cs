using Apollo.Search.Storage;

namespace Apollo.Reports;

/// <summary>
/// How design points become vectors for t-SNE: every parameter value is mapped through log2 (the
/// template's values are mostly powers of two, so grid steps become even) and scaled to [0, 1] by the
/// smallest and largest value observed for that parameter across everything embedded together. A
/// parameter with a single observed value maps to 0. Points are compared with Euclidean distance, so
/// every parameter weighs the same.
/// </summary>
public static class DesignEncoding
{
    public static double[][] Encode(IReadOnlyList<TrialRecord> trials)
    {
        if (trials.Count == 0)
        {
            return [];
        }

        var names = trials[0].Parameters.Select(p => p.Key).ToArray();
        var logs = trials.Select(t => t.Parameters.Select(p => Math.Log2(Math.Max(p.Value, 1e-12))).ToArray()).ToArray();
        var min = new double[names.Length];
        var max = new double[names.Length];
        for (var d = 0; d < names.Length; d++)
        {
            min[d] = logs.Min(v => v[d]);
            max[d] = logs.Max(v => v[d]);
        }

        return logs.Select(v => v.Select((x, d) => max[d] > min[d] ? (x - min[d]) / (max[d] - min[d]) : 0).ToArray()).ToArray();
    }
}
