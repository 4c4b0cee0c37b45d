using System.Diagnostics;
using Apollo.Search.Objective;
using Apollo.Search.Optimizers;
using Apollo.Search.Space;
using Apollo.Search.Storage;

namespace Apollo.Search.Studies;

/// <summary>
/// The one choke point that finishes a trial (Optuna's internal tell): evaluates a suggested point,
/// classifies the outcome as completed, infeasible or failed, and validates the record before it can
/// reach the store or an optimizer: parameters inside their domains, finite metrics, reward 0 unless completed.
/// </summary>
public sealed class TrialEvaluator(DesignSpaceAdapter adapter, DesignObjective objective)
{
    public TrialRecord Evaluate(int number, int batch, Suggestion suggestion, TimeProvider clock)
    {
        var parameters = adapter.Space.Values(suggestion.Point);
        var started = Stopwatch.GetTimestamp();
        TrialRecord record;
        try
        {
            var scored = objective.Score(adapter.ToConfig(suggestion.Point));
            var evaluation = scored.Evaluation;
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (evaluation.Infeasible is { } reason)
            {
                record = new TrialRecord(number, batch, parameters, TrialStatus.Infeasible, 0, evaluation.Area.TotalMm2,
                    reason.Stage, reason.Level, reason.Layer, reason.Message, suggestion.Proposer, elapsed, clock.GetUtcNow(), []);
            }
            else
            {
                var speedups = scored.Speedups.ToDictionary(s => s.Workload, s => s.Speedup, StringComparer.Ordinal);
                var metrics = evaluation.Workloads
                    .Select(w => new WorkloadMetric(w.Workload, w.LatencySeconds, w.ThroughputPerSecond, speedups[w.Workload]))
                    .ToList();
                record = new TrialRecord(number, batch, parameters, TrialStatus.Completed, scored.Reward, evaluation.Area.TotalMm2,
                    null, null, null, null, suggestion.Proposer, elapsed, clock.GetUtcNow(), metrics);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug or a pathological point must not take the study down: record it and let the optimizer see a zero.
            record = new TrialRecord(number, batch, parameters, TrialStatus.Failed, 0, null, "evaluation", null, null,
                $"{e.GetType().Name}: {e.Message}", suggestion.Proposer, Stopwatch.GetElapsedTime(started).TotalMilliseconds, clock.GetUtcNow(), []);
        }

        Validate(record, suggestion.Point);
        return record;
    }

    /// <summary>What an optimizer is told about a stored trial.</summary>
    public Observation Observe(TrialRecord record) =>
        new(adapter.ToPoint(record.Parameters), record.Reward, record.Status == TrialStatus.Completed, record.Proposer);

    private void Validate(TrialRecord record, DesignPoint point)
    {
        if (!adapter.Space.Contains(point))
        {
            throw new InvalidOperationException($"trial {record.Number}: the optimizer suggested a point outside the space: {point}");
        }

        var valid = record.Status switch
        {
            TrialStatus.Completed => double.IsFinite(record.Reward) && record.Reward > 0
                && record.Metrics.All(m => double.IsFinite(m.LatencySeconds) && m.LatencySeconds > 0 && double.IsFinite(m.Speedup)),
            _ => record.Reward == 0,
        };
        if (!valid || record.AreaMm2 is { } a && !(double.IsFinite(a) && a > 0))
        {
            throw new InvalidOperationException($"trial {record.Number}: invalid result (status {record.Status}, reward {record.Reward}, area {record.AreaMm2})");
        }
    }
}
