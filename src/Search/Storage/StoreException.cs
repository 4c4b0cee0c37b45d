namespace Apollo.Search.Storage;

/// <summary>
/// The trial store refused an operation: the file is not an Apollo store, has another schema version, a study
/// name is taken, or a batch is invalid. When thrown by a write, nothing of that write was committed.
/// </summary>
public sealed class StoreException : Exception
{
    public StoreException(string message)
        : base(message)
    {
    }

    public StoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Another writer holds the study's lock (see <see cref="TrialStore.AcquireWriter"/>). The holder's process id,
/// host and acquisition time are given when the holder recorded them.
/// </summary>
public sealed class StudyLockedException : Exception
{
    public StudyLockedException(string message)
        : base(message)
    {
    }

    public StudyLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal StudyLockedException(string message, string studyName, string lockPath, StudyWriterHolder? holder, Exception? innerException)
        : base(message, innerException)
    {
        StudyName = studyName;
        LockPath = lockPath;
        Holder = holder;
    }

    /// <summary>The study whose lock is held.</summary>
    public string? StudyName { get; }

    /// <summary>The lock file.</summary>
    public string? LockPath { get; }

    /// <summary>Who holds the lock, if the holder recorded it.</summary>
    public StudyWriterHolder? Holder { get; }
}
