using Apollo.Configuration;
using Apollo.Search.Storage;
using Apollo.Search.Studies;

namespace Apollo.Reports;

/// <summary>One study's trials as read from its database.</summary>
public sealed record StudyTrials(string Database, StudyInfo Study, IReadOnlyList<TrialRecord> Trials)
{
    public string Name => Study.Definition.Name;

    /// <summary>The optimizer's name, followed by its options when the study was given any (<c>evolution {population: 32}</c>), so that two configurations of one optimizer are told apart.</summary>
    public string Optimizer { get; } = SearchConfig.ResumeSettings(Study.Definition.ConfigSnapshot).TryGetValue(SearchConfig.OptimizerOptionsSetting, out var options)
        ? $"{Study.Definition.Optimizer} {options}"
        : Study.Definition.Optimizer;

    public double BudgetMm2 => Study.Definition.AreaBudgetMm2;

    /// <summary>What the study's rewards mean; studies are compared only within one fingerprint.</summary>
    public ObjectiveFingerprint Fingerprint { get; } = ObjectiveFingerprint.Of(Study.Definition);

    /// <summary>The study's name qualified by its database's file name, <c>p3bo.db:quickstart</c>: two databases may hold studies of one name.</summary>
    public string QualifiedName => $"{System.IO.Path.GetFileName(Database)}:{Name}";

    /// <summary>Best reward after each trial, in trial order.</summary>
    public double[] BestSoFar()
    {
        var best = new double[Trials.Count];
        var running = 0.0;
        for (var i = 0; i < Trials.Count; i++)
        {
            running = Math.Max(running, Trials[i].Reward);
            best[i] = running;
        }

        return best;
    }

    public double BestReward => Trials.Count == 0 ? 0 : Trials.Max(t => t.Reward);

    public double FeasibleFraction => Trials.Count == 0 ? 0 : (double)Trials.Count(t => t.Status == TrialStatus.Completed) / Trials.Count;
}

/// <summary>Reads studies for a report from one or more databases (shards of a sweep included).</summary>
public static class ReportSource
{
    /// <param name="databases">SQLite files written by apollo search or sweeps.</param>
    /// <param name="names">Studies to include; empty means every study of every database.</param>
    public static IReadOnlyList<StudyTrials> Load(IReadOnlyList<string> databases, IReadOnlyCollection<string> names)
    {
        var studies = new List<StudyTrials>();
        foreach (var database in databases)
        {
            using var store = TrialStore.OpenReadOnly(database);
            foreach (var summary in store.ListStudies())
            {
                if (names.Count == 0 || names.Contains(summary.Study.Definition.Name))
                {
                    studies.Add(new StudyTrials(store.Path, summary.Study, store.LoadTrials(summary.Study.Id)));
                }
            }
        }

        var missing = names.Where(n => studies.All(s => s.Name != n)).ToList();
        if (missing.Count > 0)
        {
            throw new ConfigException(databases[0], null, "--study", $"no study named {string.Join(", ", missing.Select(m => $"'{m}'"))}");
        }

        if (studies.Count == 0)
        {
            throw new ConfigException(databases[0], null, "", "the database holds no study");
        }

        return studies;
    }
}
