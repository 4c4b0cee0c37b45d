using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Apollo.Search.Storage;

/// <summary>Who holds a study's writer lock, as recorded by the holder.</summary>
/// <param name="ProcessId">Operating-system process id of the holder.</param>
/// <param name="Host">Machine name of the holder.</param>
/// <param name="Since">When the lock was acquired, UTC.</param>
public sealed record StudyWriterHolder(int ProcessId, string Host, DateTimeOffset Since)
{
    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"pid {ProcessId} on host '{Host}' since {IsoTimestamp.Format(Since)}");
}

/// <summary>
/// Exclusive right to write one study of one database file, held from <see cref="TrialStore.AcquireWriter"/>
/// until <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// <para>
/// The lock is an open <see cref="FileStream"/> with <see cref="FileShare.None"/> on
/// <c>&lt;database&gt;.&lt;study&gt;.lock</c>. On Linux and macOS .NET implements this with <c>flock(LOCK_EX)</c>,
/// on Windows with a share-mode lock; either way the operating system releases it when the holding process
/// exits for any reason, including <c>SIGKILL</c>, so a crashed writer never leaves a stale lock behind.
/// The lock is advisory: it excludes other Apollo writers, not arbitrary SQLite clients. Locks on network file
/// systems are only as reliable as the file system's <c>flock</c>.
/// </para>
/// <para>
/// The holder's pid, host and start time are written to <c>&lt;lock file&gt;.owner</c> so that a refused writer
/// can say who holds the lock. The lock file itself is left in place on release (deleting a locked file
/// would let two processes lock different inodes under the same name).
/// </para>
/// </remarks>
public sealed class StudyWriterLock : IDisposable
{
    private readonly FileStream _lockStream;
    private bool _disposed;

    private StudyWriterLock(string studyName, string lockPath, FileStream lockStream, StudyWriterHolder holder)
    {
        StudyName = studyName;
        LockPath = lockPath;
        _lockStream = lockStream;
        Holder = holder;
    }

    /// <summary>The locked study.</summary>
    public string StudyName { get; }

    /// <summary>The lock file.</summary>
    public string LockPath { get; }

    /// <summary>This process, as recorded in the owner file.</summary>
    public StudyWriterHolder Holder { get; }

    /// <summary>Whether the lock is still held (false after <see cref="Dispose"/>).</summary>
    public bool IsHeld => !_disposed;

    internal static string OwnerPath(string lockPath) => lockPath + ".owner";

    /// <summary>The lock file of a study: <c>&lt;database&gt;.&lt;study&gt;.lock</c> next to the database.</summary>
    /// <remarks>Characters other than ASCII letters, digits, '-', '_' and '.' are replaced by '_', and then a
    /// hash of the exact name is appended so that distinct names never share a lock.</remarks>
    internal static string LockPathFor(string databasePath, string studyName)
    {
        var safe = new StringBuilder(studyName.Length);
        foreach (var c in studyName)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        var name = safe.ToString();
        if (name != studyName || name.Length == 0 || name.Length > 100)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(studyName)).AsSpan(0, 6));
            name = (name.Length > 100 ? name[..100] : name) + "-" + hash;
        }

        return databasePath + "." + name + ".lock";
    }

    internal static StudyWriterLock Acquire(string databasePath, string studyName)
    {
        if (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled
            || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true")
        {
            throw new StoreException(
                "File locking is disabled in this process (System.IO.DisableFileLocking / DOTNET_SYSTEM_IO_DISABLEFILELOCKING); "
                + $"cannot guarantee a single writer for study '{studyName}' in '{databasePath}'.");
        }

        var lockPath = LockPathFor(databasePath, studyName);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            var holder = ReadHolder(OwnerPath(lockPath));
            var who = holder is null ? "another process (holder not recorded)" : holder.ToString();
            throw new StudyLockedException(
                $"Study '{studyName}' in '{databasePath}' is being written by {who}. "
                + $"Only one writer per study is allowed; the lock file is '{lockPath}'. "
                + "The lock is released automatically when that process exits.",
                studyName,
                lockPath,
                holder,
                ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"Cannot create the lock file '{lockPath}' for study '{studyName}': {ex.Message}", ex);
        }

        var self = new StudyWriterHolder(Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow);
        try
        {
            WriteHolder(OwnerPath(lockPath), self);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The owner file is informational only; the lock itself is held.
        }

        return new StudyWriterLock(studyName, lockPath, stream, self);
    }

    /// <summary>Releases the lock. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            // Still holding the lock, so no other holder can be writing this file.
            File.Delete(OwnerPath(LockPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Informational file; a stale one is overwritten by the next holder.
        }

        _lockStream.Dispose();
    }

    private static void WriteHolder(string ownerPath, StudyWriterHolder holder)
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"pid={holder.ProcessId}\nhost={holder.Host}\nsince={IsoTimestamp.Format(holder.Since)}\n");
        var temp = ownerPath + "." + holder.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, ownerPath, overwrite: true);
    }

    private static StudyWriterHolder? ReadHolder(string ownerPath)
    {
        try
        {
            var fields = File.ReadAllLines(ownerPath)
                .Select(line => line.Split('=', 2))
                .Where(parts => parts.Length == 2)
                .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim());
            if (fields.TryGetValue("pid", out var pid)
                && int.TryParse(pid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var processId)
                && fields.TryGetValue("host", out var host)
                && fields.TryGetValue("since", out var since)
                && IsoTimestamp.TryParse(since, out var sinceTime))
            {
                return new StudyWriterHolder(processId, host, sinceTime);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not recorded (yet), or unreadable: the caller reports the holder as unknown.
        }

        return null;
    }
}
