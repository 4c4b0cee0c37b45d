namespace Apollo.Search.Studies;

/// <summary>What a stop rule sees after each batch.</summary>
public sealed record StudyState(int Trials, int RequestedTrials, int Feasible, double BestReward, int BestTrialNumber, TimeSpan Elapsed);

/// <summary>A small stopping object (Timeloop's search-size / victory / timeout conditions); combined with any().</summary>
public interface IStopRule
{
    /// <summary>Called after every persisted batch; a non-null answer stops the study and says why.</summary>
    string? Check(StudyState state);
}

/// <summary>Stops when the requested number of trials is stored.</summary>
public sealed class TrialBudget : IStopRule
{
    public string? Check(StudyState state) => state.Trials >= state.RequestedTrials ? $"trial budget of {state.RequestedTrials} reached" : null;
}

/// <summary>Stops when the best reward has not improved for <paramref name="trials"/> trials.</summary>
public sealed class NoImprovement(int trials) : IStopRule
{
    public string? Check(StudyState state) =>
        state.Trials - Math.Max(state.BestTrialNumber + 1, 0) >= trials ? $"no improvement for {trials} trials" : null;
}

/// <summary>Stops once the run has used <paramref name="limit"/> of wall-clock time (checked between batches).</summary>
public sealed class WallClockLimit(TimeSpan limit) : IStopRule
{
    public string? Check(StudyState state) => state.Elapsed >= limit ? $"wall-clock limit of {limit} reached" : null;
}
