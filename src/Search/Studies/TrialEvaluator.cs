using System.Diagnostics;
using Apollo.Search.Objective;
using Apollo.Search.Optimizers;
using Apollo.Search.Space;
using Apollo.Search.Storage;

namespace Apollo.Search.Studies;

/// <summary>
/// The one choke point that finishes a trial (Optuna's internal tell): evaluates a suggested point and
/// classifies the result as a <see cref="TrialOutcome"/>, whose constructors check the values (finite metrics,
/// positive reward and area). A point outside the space is a bug of the optimizer and throws; an exception of the
/// evaluation, or a result the outcome refuses (a NaN reward), becomes a <see cref="TrialOutcome.Failed"/> trial.
/// </summary>
public sealed class TrialEvaluator(DesignSpaceAdapter adapter, DesignObjective objective, int threads = 0) : IBatchEvaluator
{
    /// <summary>Evaluates the batch on <c>threads</c> threads (0: all cores); each trial is a pure function of its point.</summary>
    public IReadOnlyList<TrialRecord> EvaluateBatch(int first, int batch, IReadOnlyList<Suggestion> suggestions, TimeProvider clock, CancellationToken cancellation)
    {
        var records = new TrialRecord[suggestions.Count];
        Parallel.For(0, suggestions.Count, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount }, i =>
            records[i] = Evaluate(first + i, batch, suggestions[i], clock));
        return records;
    }

    public TrialRecord Evaluate(int number, int batch, Suggestion suggestion, TimeProvider clock)
    {
        if (!adapter.Space.Contains(suggestion.Point))
        {
            throw new InvalidOperationException($"trial {number}: the optimizer suggested a point outside the space: {suggestion.Point}");
        }

        var parameters = adapter.Space.Values(suggestion.Point);
        var started = Stopwatch.GetTimestamp();
        TrialOutcome outcome;
        try
        {
            outcome = Score(suggestion.Point);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug or a pathological point must not take the study down: record it and let the optimizer see a zero.
            outcome = new TrialOutcome.Failed($"{e.GetType().Name}: {e.Message}");
        }

        return new TrialRecord(number, batch, parameters, outcome, suggestion.Proposer, Stopwatch.GetElapsedTime(started).TotalMilliseconds, clock.GetUtcNow());
    }

    /// <summary>What an optimizer is told about a stored trial.</summary>
    public Observation Observe(TrialRecord record) => adapter.Observe(record);

    private TrialOutcome Score(DesignPoint point)
    {
        var scored = objective.Score(adapter.ToConfig(point));
        var evaluation = scored.Evaluation;
        if (evaluation.Infeasible is { } reason)
        {
            return new TrialOutcome.Infeasible(TrialInfeasibility.From(reason), evaluation.Area.TotalMm2);
        }

        var speedups = scored.Speedups.ToDictionary(s => s.Workload, s => s.Speedup, StringComparer.Ordinal);
        var metrics = evaluation.Workloads
            .Select(w => new WorkloadMetric(w.Workload, w.LatencySeconds, w.ThroughputPerSecond, speedups[w.Workload], w.EnergyJoules, w.PowerWatts))
            .ToList();
        return new TrialOutcome.Completed(scored.Reward, evaluation.Area.TotalMm2, metrics);
    }
}
