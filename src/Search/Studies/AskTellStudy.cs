using System.Globalization;
using Apollo.Configuration;
using Apollo.Search.Optimizers;
using Apollo.Search.Storage;

namespace Apollo.Search.Studies;

/// <summary>
/// A study driven from outside, one call per process (<c>apollo ask</c> / <c>apollo tell</c>, Optuna's CLI): the
/// evaluation happens elsewhere, the store keeps the points handed out and the order their outcomes came back in.
/// </summary>
/// <remarks>
/// <para>
/// <b>State from data.</b> Nothing but the store survives between calls. Every <see cref="Ask"/> builds a fresh
/// optimizer with the study's seed and replays the log: for each ask round in order, first the trials told since the
/// previous round (in tell order), then <see cref="IOptimizer.Suggest"/> with the round's size, whose points must
/// equal the ones stored (else the optimizer's settings changed, and the ask is refused); at the end the trials told
/// since the last round. Because each ask replays by the same rule, the study is a pure function of its seed and the
/// sequence of asks and tells.
/// </para>
/// <para>
/// <b>Pending trials.</b> A point handed out and not told is pending; it survives any crash of the caller. The next
/// <see cref="Ask"/> hands the pending points out again, lowest number first, before asking the optimizer for new
/// ones, so a caller that died between ask and tell picks up where it stopped.
/// </para>
/// <para>
/// <b>Same as <c>search</c>.</b> A loop that asks <c>batch_size</c> points and tells all of them, in number order,
/// before asking again makes the same Suggest/Observe calls as <see cref="StudyRunner"/>; with the same scoring it
/// stores the same points and rewards, for every optimizer.
/// </para>
/// </remarks>
public sealed class AskTellStudy(SearchConfig config, DesignSpaceAdapter adapter, OptimizerRegistry registry, TimeProvider clock)
{
    /// <summary>
    /// Up to <paramref name="count"/> points to evaluate: the pending ones first, then new ones from the optimizer, as
    /// far as the study's trial budget allows (none once it is spent and nothing is pending).
    /// </summary>
    /// <exception cref="ConfigException">The stored trials do not replay (the optimizer's options changed).</exception>
    /// <exception cref="StoreException">The study is run by <c>apollo search</c>, or the store failed.</exception>
    public IReadOnlyList<AskedTrial> Ask(TrialStore store, StudyInfo study, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var asked = store.LoadAsked(study.Id);
        var pending = asked.Where(a => a.IsPending).ToList();
        if (count <= pending.Count)
        {
            return pending.Take(count).ToList();
        }

        var fresh = Math.Min(count - pending.Count, Math.Max(0, study.Definition.RequestedTrials - asked.Count));
        if (fresh == 0)
        {
            return pending;
        }

        var optimizer = Rebuild(store, study, asked);
        var suggestions = optimizer.Suggest(fresh);
        if (suggestions.Count == 0)
        {
            return pending;
        }

        var recorded = store.RecordAsk(study.Id, suggestions.Select(s => new AskedPoint(adapter.Space.Values(s.Point), s.Proposer)).ToList(), clock.GetUtcNow());
        return [.. pending, .. recorded];
    }

    /// <summary>
    /// Records the outcome of pending trial <paramref name="number"/>. Its evaluation time is the wall-clock time from
    /// its ask to this tell.
    /// </summary>
    /// <exception cref="StoreException">The trial was never asked or was told already; nothing was written.</exception>
    public TrialRecord Tell(TrialStore store, StudyInfo study, int number, TrialOutcome outcome)
    {
        var asked = store.LoadAsked(study.Id).FirstOrDefault(a => a.Number == number)
            ?? throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"Trial {number} of study '{study.Definition.Name}' in '{store.Path}' was never asked; nothing was written."));
        var now = clock.GetUtcNow();
        var record = new TrialRecord(number, asked.Batch, asked.Parameters, outcome, asked.Proposer, Math.Max(0, (now - asked.AskedAt).TotalMilliseconds), now);
        store.RecordTell(study.Id, record);
        return record;
    }

    /// <summary>A fresh optimizer that has seen the study's log replayed, as described on the class.</summary>
    private IOptimizer Rebuild(TrialStore store, StudyInfo study, IReadOnlyList<AskedTrial> asked)
    {
        var told = store.LoadTrials(study.Id).ToDictionary(t => t.Number);
        var tellOrder = asked.Where(a => a.TellIndex is not null).OrderBy(a => a.TellIndex).Select(a => told[a.Number]).ToList();
        var optimizer = registry.Create(config.Optimizer, adapter.Space, config.Seed, registry.Parse(config.Optimizer, config.OptimizerOptions));
        var observed = 0;
        void ObserveUpTo(int end)
        {
            if (end > observed)
            {
                optimizer.Observe(tellOrder.Skip(observed).Take(end - observed).Select(Observe).ToList());
                observed = end;
            }
        }

        foreach (var round in asked.GroupBy(a => a.Batch).OrderBy(g => g.Key))
        {
            var points = round.ToList();
            ObserveUpTo(Math.Min(points[0].ToldBefore, tellOrder.Count));
            var suggestions = optimizer.Suggest(points.Count);
            for (var i = 0; i < points.Count; i++)
            {
                var expected = adapter.ToPoint(points[i].Parameters);
                if (i >= suggestions.Count || !suggestions[i].Point.Equals(expected))
                {
                    throw new ConfigException(config.File, null, "optimizer", string.Create(CultureInfo.InvariantCulture,
                        $"ask failed: trial {points[i].Number} does not replay (stored {expected}, optimizer now suggests {(i < suggestions.Count ? suggestions[i].Point : "nothing")}); the optimizer's options changed since the study was created; restore them or start a new study"));
                }
            }
        }

        ObserveUpTo(tellOrder.Count);
        return optimizer;
    }

    /// <summary>What the optimizer is told about a stored trial: what <see cref="StudyRunner"/> tells it.</summary>
    private Observation Observe(TrialRecord record) =>
        new(adapter.ToPoint(record.Parameters), record.Reward, record.Status == TrialStatus.Completed, record.Proposer);
}
