using System.Globalization;
using Apollo.Configuration;
using Apollo.Search.Objective;
using Apollo.Search.Optimizers;
using Apollo.Search.Storage;
using Apollo.Simulator.Template;

namespace Apollo.Search.Studies;

/// <summary>How a study run ended.</summary>
public sealed record StudyOutcome(StudyInfo Study, StudyState State, StopReason StopReason, TrialRecord? Best, int ResumedTrials);

/// <summary>
/// Owns the loop of a study (DESIGN §7): ask the optimizer for a batch, evaluate it in parallel,
/// persist it in one transaction, tell the optimizer, check the stop rules. Results do not depend on
/// the number of evaluation threads: each trial's outcome is a pure function of its point, and trials
/// are numbered and stored in suggestion order. Cancellation is honoured between batches only, so a
/// Ctrl+C never loses or half-writes the batch in flight. Resume replays the stored batches through a
/// fresh optimizer with the same seed (same Suggest/Observe sequence), so the continued run equals an
/// uninterrupted one.
/// </summary>
// passesAPriori: with a_priori_constraints: true, the check of the constraints known before evaluation (the area
// budget); the optimizer is given a space that refuses the points it fails.
public sealed class StudyRunner(SearchConfig config, DesignSpaceAdapter adapter, IBatchEvaluator evaluator, OptimizerRegistry registry, TimeProvider clock,
    Func<AcceleratorConfig, bool>? passesAPriori = null)
{
    /// <summary>A study scored by the built-in model.</summary>
    public StudyRunner(SearchConfig config, DesignSpaceAdapter adapter, DesignObjective objective, OptimizerRegistry registry, TimeProvider clock)
        : this(config, adapter, new TrialEvaluator(adapter, objective, config.Threads), registry, clock, objective.PassesAPriori)
    {
    }

    /// <summary>A multi-objective study's objective vector (<c>objectives:</c>); null for a single-objective study.</summary>
    public ParetoScoring? Pareto { get; init; }
    /// <summary>
    /// The re-judged prior studies (<see cref="PriorStudyLoader"/>) the optimizer is primed with before anything else,
    /// when it is <see cref="ITransferable"/>; others run cold. The config's <see cref="SearchConfig.Transfer"/> must carry their digests.
    /// </summary>
    public IReadOnlyList<PriorStudy> Priors { get; init; } = [];

    public StudyOutcome Run(bool resume, IProgress<StudyState>? progress, CancellationToken cancellation)
    {
        var directory = Path.GetDirectoryName(config.Database);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var store = TrialStore.Open(config.Database);
        using var writer = store.AcquireWriter(config.Study);
        var study = store.FindStudy(config.Study);
        var stored = (IReadOnlyList<TrialRecord>)[];
        if (study is not null)
        {
            stored = store.LoadTrials(study.Id);
            if (!resume && stored.Count > 0)
            {
                throw new ConfigException(config.File, null, "study",
                    $"study '{config.Study}' already has {stored.Count} trials in {config.Database}; pass --resume to continue it, or choose another study name or database");
            }

            CheckSameSettings(study.Definition);
            if (study.Definition.RequestedTrials != config.Trials)
            {
                store.SetRequestedTrials(study.Id, config.Trials); // --trials on resume changes the budget
            }
        }
        else
        {
            study = store.CreateStudy(new StudyDefinition(config.Study, config.Optimizer, config.Seed, config.AreaBudgetMm2, config.Trials, config.BatchSize, config.Snapshot()));
            if (Pareto is not null)
            {
                store.SetObjectives(study.Id, Pareto.Stored);
            }
        }

        // With a-priori constraints the optimizer sees a space that refuses over-budget points, so it never
        // spends a trial on them; the trials it does propose are scored exactly as without.
        var space = config.APrioriConstraints && passesAPriori is not null ? adapter.Space.WithConstraint(p => passesAPriori(adapter.ToConfig(p))) : adapter.Space;
        var optimizer = registry.Create(config.Optimizer, space, config.Seed, registry.Parse(config.Optimizer, config.OptimizerOptions));
        if (Priors.Count > 0 && optimizer is ITransferable transferable)
        {
            transferable.Prime(Priors); // before the replay, exactly as in the first run
        }

        var tracker = new BestTracker();
        var front = new ParetoFront();
        Replay(config.File, optimizer, stored, tracker, front);

        var rules = StopRules.For(config.Stop, clock);
        var started = clock.GetTimestamp();
        var trials = stored.Count;
        var batch = stored.Count == 0 ? 0 : stored[^1].Batch + 1;
        StudyState State() => new(trials, config.Trials, tracker.Feasible, tracker.BestReward, tracker.BestNumber, clock.GetElapsedTime(started));
        progress?.Report(State());

        var reason = rules.Check(State());
        while (reason is null)
        {
            if (cancellation.IsCancellationRequested)
            {
                reason = new StopReason.Interrupted();
                break;
            }

            var count = Math.Min(config.BatchSize, config.Trials - trials);
            var suggestions = optimizer.Suggest(count);
            if (suggestions.Count == 0)
            {
                reason = new StopReason.SpaceExhausted();
                break;
            }

            var records = evaluator.EvaluateBatch(trials, batch, suggestions, clock, cancellation);
            var observations = records.Select(Observe).ToList();
            store.AppendBatch(study.Id, records, ParetoBatchOf(records, observations, front));
            optimizer.Observe(observations);
            foreach (var r in records)
            {
                tracker.Add(r);
            }

            trials += records.Count;
            batch++;
            progress?.Report(State());
            reason = rules.Check(State());
        }

        return new StudyOutcome(study, State(), reason, store.BestTrial(study.Id), stored.Count);
    }

    private Observation Observe(TrialRecord record) =>
        Pareto is not null && record.Outcome is TrialOutcome.Completed c
            ? adapter.Observe(record) with { Objectives = Pareto.Vector(Pareto.Values(c)) }
            : adapter.Observe(record);

    /// <summary>A multi-objective batch's values and the hypervolume of every completed trial so far (after adding the batch to <paramref name="front"/>); null otherwise.</summary>
    private ParetoBatch? ParetoBatchOf(IReadOnlyList<TrialRecord> records, IReadOnlyList<Observation> observations, ParetoFront front)
    {
        if (Pareto is null)
        {
            return null;
        }

        front.Add(observations);
        var values = records.Where(r => r.Outcome is TrialOutcome.Completed).Select(r => (r.Number, Pareto.Values((TrialOutcome.Completed)r.Outcome))).ToList();
        return new ParetoBatch(values, front.Hypervolume);
    }

    private void Replay(string file, IOptimizer optimizer, IReadOnlyList<TrialRecord> stored, BestTracker tracker, ParetoFront front)
    {
        foreach (var group in stored.GroupBy(t => t.Batch))
        {
            var records = group.ToList();
            var suggestions = optimizer.Suggest(records.Count);
            for (var i = 0; i < records.Count; i++)
            {
                var expected = Observe(records[i]).Point;
                if (i >= suggestions.Count || !suggestions[i].Point.Equals(expected))
                {
                    throw new ConfigException(file, null, "optimizer", string.Create(CultureInfo.InvariantCulture,
                        $"resume failed: trial {records[i].Number} does not replay (stored {expected}, optimizer now suggests {(i < suggestions.Count ? suggestions[i].Point : "nothing")}); the optimizer's options changed since the study was created; restore them or start a new study"));
                }
            }

            var observations = records.Select(Observe).ToList();
            optimizer.Observe(observations);
            front.Add(observations);
            foreach (var r in records)
            {
                tracker.Add(r);
            }
        }
    }

    /// <summary>The non-dominated observed vectors (reference at the origin) and their hypervolume.</summary>
    private sealed class ParetoFront
    {
        private List<IReadOnlyList<double>> _points = [];

        public double Hypervolume { get; private set; }

        public void Add(IEnumerable<Observation> observations)
        {
            var added = observations.Where(o => o.Objectives is not null).Select(o => o.Objectives!).ToList();
            if (added.Count == 0)
            {
                return;
            }

            var all = _points.Concat(added).ToList();
            _points = Apollo.Search.MultiObjective.Pareto.NonDominated(all).Select(i => all[i]).ToList();
            Hypervolume = Apollo.Search.MultiObjective.Hypervolume.Of(_points, new double[_points[0].Count]);
        }
    }

    private void CheckSameSettings(StudyDefinition stored)
    {
        void Same<T>(string field, T storedValue, T now)
        {
            if (!EqualityComparer<T>.Default.Equals(storedValue, now))
            {
                throw new ConfigException(config.File, null, field,
                    string.Create(CultureInfo.InvariantCulture, $"study '{config.Study}' was created with {field} = {storedValue}, this run asks for {now}; a resumed study must keep its settings"));
            }
        }

        Same("optimizer", stored.Optimizer, config.Optimizer);
        Same("seed", stored.Seed, config.Seed);
        Same("batch_size", stored.BatchSize, config.BatchSize);
        Same("area_budget_mm2", stored.AreaBudgetMm2, config.AreaBudgetMm2);

        // The rest of the objective (space, baseline, workloads, weights) must match too, or the continued
        // trials would be scored against a different problem.
        // Both ways: a setting the stored study had and this run drops counts as a change too.
        var before = SearchConfig.ResumeSettings(stored.ConfigSnapshot);
        var after = SearchConfig.ResumeSettings(config.Snapshot());
        foreach (var field in after.Keys.Concat(before.Keys.Where(k => !after.ContainsKey(k))))
        {
            if (field == SearchConfig.OptimizerOptionsSetting && !before.ContainsKey(field))
            {
                continue; // snapshots before the options were recorded: the replay of the trials checks them
            }

            Same(field, before.GetValueOrDefault(field, "(not set)"), after.GetValueOrDefault(field, "(not set)"));
        }
    }

    /// <summary>Running best and feasible count, in trial order (ties keep the earliest trial).</summary>
    private sealed class BestTracker
    {
        public int Feasible { get; private set; }

        public double BestReward { get; private set; }

        public int BestNumber { get; private set; } = -1;

        public void Add(TrialRecord r)
        {
            if (r.Status != TrialStatus.Completed)
            {
                return;
            }

            Feasible++;
            if (r.Reward > BestReward)
            {
                BestReward = r.Reward;
                BestNumber = r.Number;
            }
        }
    }
}
