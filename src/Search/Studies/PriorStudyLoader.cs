using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Apollo.Compiler.Mapping;
using Apollo.Configuration;
using Apollo.Search.Objective;
using Apollo.Search.Optimizers;
using Apollo.Search.Storage;
using Apollo.Simulator.Template;

namespace Apollo.Search.Studies;

/// <summary>
/// What one prior study contributed after re-judging (<paramref name="Trials"/> stored, of which <paramref name="Feasible"/>
/// and <paramref name="Infeasible"/> carried over and <paramref name="Dropped"/> not): counts for the start-up line.
/// <paramref name="RewardsRecomputed"/>: the prior stored every workload of the new study, so rewards were recomputed with the
/// new baseline and weights; otherwise its own rewards carry over. <paramref name="CompileInfeasibleCarried"/>: the prior's
/// workloads are among the new study's, so its compile-stage infeasibility carries over.
/// </summary>
public sealed record PriorSummary(string Database, string Study, int Trials, int Feasible, int Infeasible, int Dropped, bool RewardsRecomputed, bool CompileInfeasibleCarried);

/// <summary>The priors of a study, ready for <see cref="ITransferable.Prime"/>, with the sources resolved (study names and digests).</summary>
public sealed record TransferPriors(IReadOnlyList<PriorStudy> Priors, IReadOnlyList<TransferSource> Sources, IReadOnlyList<PriorSummary> Summaries)
{
    public static TransferPriors None { get; } = new([], [], []);
}

/// <summary>
/// Reads the prior studies a search config names (<c>transfer</c>) and re-judges their trials for the new study,
/// using only what needs no simulation (DESIGN §7):
/// <list type="bullet">
/// <item>The space must be the same (the same file, or one with the same parameters, values and technology
/// file); otherwise the source is refused with one line naming it.</item>
/// <item>A trial whose stored area exceeds the new area budget is infeasible (the a-priori check, exact).</item>
/// <item>A completed trial within the budget is feasible; when the prior stored every workload of the new study
/// its reward is recomputed from the stored per-workload throughputs and area with the new baseline and weights
/// (bit for bit what the new study would compute); otherwise its own reward carries over as a prior signal.</item>
/// <item>A compile-infeasible trial stays infeasible when the prior's workloads are all among the new study's
/// (a layer that cannot be mapped stays unmappable on the same template); otherwise it is dropped. An area-stage
/// infeasible trial within the new (larger) budget, and failed trials, are dropped: their fate is unknown.</item>
/// </list>
/// The digest of a source covers its snapshot and every trial (parameters, outcome, metrics), so a prior that
/// changed is refused when the new study resumes.
/// </summary>
public static class PriorStudyLoader
{
    /// <summary>The priors of <paramref name="config"/>'s <c>transfer</c> sources over <paramref name="adapter"/>'s space;
    /// <paramref name="reward"/> is the new study's reward function, or null (external evaluator: rewards carry over as stored);
    /// <paramref name="workloads"/> the new study's workload names, in order.</summary>
    /// <exception cref="ConfigException">A source that is missing, ambiguous, the study itself, or of another space.</exception>
    public static TransferPriors Load(SearchConfig config, DesignSpaceAdapter adapter, RewardFunction? reward, IReadOnlyList<string> workloads)
    {
        if (config.Transfer.Count == 0)
        {
            return TransferPriors.None;
        }

        if (config.Objective.IsMultiObjective)
        {
            // Priors are scalar rewards; a Pareto study's optimizers need objective vectors (nsga2 ignores priors anyway).
            throw Refuse(config, "transfer", "a multi-objective study (objectives:) cannot transfer yet; drop transfer or objectives");
        }

        var priors = new List<PriorStudy>();
        var sources = new List<TransferSource>();
        var summaries = new List<PriorSummary>();
        for (var i = 0; i < config.Transfer.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"transfer[{i}]");
            var source = config.Transfer[i];
            using var store = TrialStore.OpenReadOnly(source.Database);
            var all = store.ListStudies();
            var study = source.Study is { } name
                ? all.FirstOrDefault(s => s.Study.Definition.Name == name)?.Study
                    ?? throw Refuse(config, field, $"no study '{name}' in {source.Database}; studies: {string.Join(", ", all.Select(s => s.Study.Definition.Name))}")
                : all.Count == 1 ? all[0].Study
                : throw Refuse(config, field, $"{source.Database} holds {all.Count} studies; name one ({string.Join(", ", all.Select(s => s.Study.Definition.Name))})");
            var label = $"study '{study.Definition.Name}' in {source.Database}";
            if (study.Definition.Name == config.Study && Path.GetFullPath(source.Database) == Path.GetFullPath(config.Database))
            {
                throw Refuse(config, field, $"{label} is this study itself; a study cannot transfer from itself");
            }

            var settings = SearchConfig.ResumeSettings(study.Definition.ConfigSnapshot);
            CheckSameSpace(config, field, label, settings.GetValueOrDefault("space"), adapter.Template);
            var trials = store.LoadTrials(study.Id);
            var (observations, summary) = Rejudge(config, adapter, reward, workloads, source.Database, study.Definition, trials);
            priors.Add(new PriorStudy(study.Definition.Name, observations));
            sources.Add(new TransferSource(source.Database, study.Definition.Name, Digest(study.Definition.ConfigSnapshot, trials)));
            summaries.Add(summary);
        }

        return new TransferPriors(priors, sources, summaries);
    }

    private static (List<Observation>, PriorSummary) Rejudge(SearchConfig config, DesignSpaceAdapter adapter, RewardFunction? reward, IReadOnlyList<string> workloads,
        string database, StudyDefinition prior, IReadOnlyList<TrialRecord> trials)
    {
        var priorWorkloads = trials.FirstOrDefault(t => t.Status == TrialStatus.Completed)?.Metrics.Select(m => m.Workload).ToList();
        var covers = priorWorkloads is not null && workloads.All(priorWorkloads.Contains);
        var recompute = covers && reward is not null;
        var compileCarries = priorWorkloads is not null && priorWorkloads.All(workloads.Contains);
        var proposer = "prior:" + prior.Name;
        var observations = new List<Observation>(trials.Count);
        int feasible = 0, infeasible = 0;
        foreach (var t in trials)
        {
            var point = adapter.ToPoint(t.Parameters);
            Observation? o = t.Outcome switch
            {
                _ when t.AreaMm2 is { } area && area > config.AreaBudgetMm2 => new Observation(point, 0, false, proposer),
                TrialOutcome.Completed c => new Observation(point, recompute ? Recomputed(reward!, c, workloads) : c.Reward, true, proposer),
                TrialOutcome.Infeasible { Reason.Stage: InfeasibilityStage.Compile } when compileCarries => new Observation(point, 0, false, proposer),
                _ => null,
            };
            if (o is not null)
            {
                observations.Add(o);
                (feasible, infeasible) = o.Feasible ? (feasible + 1, infeasible) : (feasible, infeasible + 1);
            }
        }

        return (observations, new PriorSummary(database, prior.Name, trials.Count, feasible, infeasible, trials.Count - observations.Count, recompute, compileCarries));
    }

    /// <summary>The new study's reward of a stored completed trial: its area and the throughputs of the new study's workloads, in the new study's order.</summary>
    private static double Recomputed(RewardFunction reward, TrialOutcome.Completed c, IReadOnlyList<string> workloads)
    {
        var byName = c.Metrics.ToDictionary(m => m.Workload, StringComparer.Ordinal);
        var measures = workloads.Select(w => byName[w]).Select(m => new WorkloadMeasure(m.Workload, m.ThroughputPerSecond, m.LatencySeconds, m.EnergyJoules, m.PowerWatts)).ToList();
        return RewardFunction.Reward(reward.Speedups(c.AreaMm2, measures));
    }

    /// <summary>The prior's space is this study's: the same file, or one with the same parameters, values and technology.</summary>
    private static void CheckSameSpace(SearchConfig config, string field, string label, string? quotedSpace, TemplateSpace template)
    {
        var priorSpace = quotedSpace is { Length: >= 2 } q && q[0] == '\'' ? q[1..^1].Replace("''", "'", StringComparison.Ordinal) : quotedSpace;
        if (priorSpace == config.SpaceFile)
        {
            return;
        }

        TemplateSpace? other = null;
        try
        {
            other = priorSpace is not null && System.IO.File.Exists(priorSpace) ? AcceleratorFiles.LoadSpace(priorSpace) : null;
        }
        catch (ConfigException)
        {
            // An unreadable space is not the same space; refused below.
        }

        var same = other is not null
            && other.Parameters.Select(p => p.Name).SequenceEqual(template.Parameters.Select(p => p.Name))
            && other.Parameters.Zip(template.Parameters).All(z => z.First.Values.SequenceEqual(z.Second.Values))
            && System.IO.File.ReadAllText(other.TechnologyFile) == System.IO.File.ReadAllText(template.TechnologyFile);
        if (!same)
        {
            throw Refuse(config, field, $"{label} searched another space or template ({priorSpace ?? "unknown"}, this study: {config.SpaceFile}); transfer needs the same space");
        }
    }

    /// <summary>SHA-256 (first 16 hex digits) of the prior's snapshot and every trial, numbers in round-trip form.</summary>
    internal static string Digest(string snapshot, IReadOnlyList<TrialRecord> trials)
    {
        var text = new StringBuilder(snapshot);
        var inv = CultureInfo.InvariantCulture;
        foreach (var t in trials)
        {
            text.Append('\n').Append(t.Number.ToString(inv)).Append('|').Append(t.Status).Append('|').Append(t.Reward.ToString("R", inv))
                .Append('|').Append(t.AreaMm2?.ToString("R", inv)).Append('|')
                .AppendJoin(',', t.Parameters.Select(p => p.Key + "=" + p.Value.ToString("R", inv))).Append('|')
                .AppendJoin(',', t.Metrics.Select(m => m.Workload + "=" + m.ThroughputPerSecond.ToString("R", inv)));
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
    }

    private static ConfigException Refuse(SearchConfig config, string field, string problem) => new(config.File, null, field, problem);
}
