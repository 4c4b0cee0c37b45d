using Apollo.Search.Storage;

namespace Apollo.Reports.Interactive;

/// <summary>
/// Parameter importance as fANOVA-style main effects over the template's discrete values (Hutter, Hoos and
/// Leyton-Brown 2014, first-order term only, on the observed trials instead of a forest surrogate): for each
/// parameter, the variance over its values of the mean feasible reward at that value, weighted by how many trials
/// had it, divided by the variance of all feasible rewards. Each share is in [0, 1]; they need not sum to 1 (the
/// rest is interactions and the optimizer's sampling bias). Values seen by few trials inflate a share, so a value
/// seen fewer than <see cref="MinTrialsPerValue"/> times is left out.
/// </summary>
public static class ParameterImportance
{
    /// <summary>Fewest feasible trials of a fingerprint for which shares are computed.</summary>
    public const int MinTrials = 20;

    /// <summary>Fewest trials at one value for its mean to count.</summary>
    public const int MinTrialsPerValue = 3;

    public static IReadOnlyList<ImportanceData> Of(IReadOnlyList<StudyTrials> studies) =>
        studies.GroupBy(s => s.Fingerprint.Id, StringComparer.Ordinal).SelectMany(g => Shares(g.Key, g.SelectMany(s => s.Trials).ToList())).ToList();

    private static IEnumerable<ImportanceData> Shares(string fingerprint, IReadOnlyList<TrialRecord> trials)
    {
        var feasible = trials.Where(t => t.Status == TrialStatus.Completed).ToList();
        if (feasible.Count < MinTrials)
        {
            yield break;
        }

        var mean = feasible.Average(t => t.Reward);
        var total = feasible.Sum(t => (t.Reward - mean) * (t.Reward - mean));
        if (total <= 0)
        {
            yield break;
        }

        foreach (var name in feasible[0].Parameters.Select(p => p.Key))
        {
            var between = 0.0;
            foreach (var value in feasible.GroupBy(t => t.Parameters.First(p => p.Key == name).Value).Where(v => v.Count() >= MinTrialsPerValue))
            {
                var d = value.Average(t => t.Reward) - mean;
                between += value.Count() * d * d;
            }

            yield return new ImportanceData(fingerprint, name, ReportData.Significant(between / total));
        }
    }
}
