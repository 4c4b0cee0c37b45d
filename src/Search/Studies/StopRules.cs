using System.Globalization;

namespace Apollo.Search.Studies;

/// <summary>What a stop rule sees after each batch.</summary>
public sealed record StudyState(int Trials, int RequestedTrials, int Feasible, double BestReward, int BestTrialNumber, TimeSpan Elapsed);

/// <summary>
/// Why a study run ended: a closed set (the constructor is private, every case is nested here), so
/// callers test the case (<c>reason is StopReason.Interrupted</c>) instead of parsing a message.
/// <see cref="Message"/> is the human sentence, rendered from the fields.
/// </summary>
public abstract record StopReason
{
    private StopReason()
    {
    }

    /// <summary>One lower-case sentence without a final period, e.g. "trial budget of 200 reached".</summary>
    public abstract string Message { get; }

    public sealed override string ToString() => Message;

    /// <summary>The requested number of trials is stored.</summary>
    public sealed record TrialBudgetReached(int Trials) : StopReason
    {
        public override string Message => string.Create(CultureInfo.InvariantCulture, $"trial budget of {Trials} reached");
    }

    /// <summary>The best reward did not improve for <paramref name="Trials"/> trials.</summary>
    public sealed record NoImprovement(int Trials) : StopReason
    {
        public override string Message => string.Create(CultureInfo.InvariantCulture, $"no improvement for {Trials} trials");
    }

    /// <summary>The run used its wall-clock allowance (checked between batches, so it may overrun by one batch).</summary>
    public sealed record WallClockLimitReached(TimeSpan Limit) : StopReason
    {
        public override string Message => string.Create(CultureInfo.InvariantCulture, $"wall-clock limit of {Limit} reached");
    }

    /// <summary>Ctrl+C or SIGTERM: the run stopped between batches, so nothing was lost.</summary>
    public sealed record Interrupted : StopReason
    {
        public override string Message => "interrupted; every completed batch is stored, resume with --resume";
    }

    /// <summary>The optimizer returned no new point: every point of the space was suggested.</summary>
    public sealed record SpaceExhausted : StopReason
    {
        public override string Message => "the optimizer has no new points to suggest (space exhausted)";
    }
}

/// <summary>
/// A small stopping object (Timeloop's search-size / victory / timeout conditions). The study checks
/// its rules before the first batch and after every persisted batch, in order, and stops at the first
/// non-null answer. Rules never change the state and never throw.
/// </summary>
public interface IStopRule
{
    /// <summary>Null to go on, or why the study stops now.</summary>
    StopReason? Check(StudyState state);
}

/// <summary>Stops when the requested number of trials is stored.</summary>
public sealed class TrialBudget : IStopRule
{
    public StopReason? Check(StudyState state) => state.Trials >= state.RequestedTrials ? new StopReason.TrialBudgetReached(state.RequestedTrials) : null;
}

/// <summary>Stops when the best reward has not improved for <paramref name="trials"/> trials (counted from the start while nothing is feasible).</summary>
public sealed class NoImprovement(int trials) : IStopRule
{
    public StopReason? Check(StudyState state) =>
        state.Trials - Math.Max(state.BestTrialNumber + 1, 0) >= trials ? new StopReason.NoImprovement(trials) : null;
}

/// <summary>
/// Stops once <paramref name="limit"/> of wall-clock time has passed on <paramref name="clock"/> since
/// the rule was made (the start of this run; a resumed study gets the full limit again).
/// </summary>
public sealed class WallClockLimit(TimeSpan limit, TimeProvider clock) : IStopRule
{
    private readonly long _started = clock.GetTimestamp();

    public StopReason? Check(StudyState state) => clock.GetElapsedTime(_started) >= limit ? new StopReason.WallClockLimitReached(limit) : null;
}

/// <summary>Builds and checks a study's rules.</summary>
public static class StopRules
{
    /// <summary>The rules in checking order: the trial budget, then the optional ones of <paramref name="settings"/>; the wall clock starts now.</summary>
    public static IReadOnlyList<IStopRule> For(StopSettings settings, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var rules = new List<IStopRule> { new TrialBudget() };
        if (settings.NoImprovementTrials is { } n)
        {
            rules.Add(new NoImprovement(n));
        }

        if (settings.WallClock is { } limit)
        {
            rules.Add(new WallClockLimit(limit, clock));
        }

        return rules;
    }

    /// <summary>The first rule's answer that is not null, or null.</summary>
    public static StopReason? Check(this IReadOnlyList<IStopRule> rules, StudyState state) =>
        rules.Select(r => r.Check(state)).FirstOrDefault(r => r is not null);
}
