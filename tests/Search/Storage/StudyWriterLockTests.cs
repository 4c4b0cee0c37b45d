using System.Diagnostics;
using Apollo.Search.Storage;
using static Apollo.Search.Tests.Storage.StoreTestData;

namespace Apollo.Search.Tests.Storage;

/// <summary>One writer per (database file, study), across processes, released even when the holder is killed.</summary>
public sealed class StudyWriterLockTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string DbPath => _temp.File("trials.db");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_second_writer_is_refused_with_the_holder_named()
    {
        using var store = TrialStore.Open(DbPath);
        using var other = TrialStore.Open(DbPath);
        using var held = store.AcquireWriter("study-a");

        var ex = Assert.Throws<StudyLockedException>(() => other.AcquireWriter("study-a"));

        Assert.Contains("'study-a'", ex.Message);
        Assert.Contains($"pid {Environment.ProcessId}", ex.Message);
        Assert.Contains(Environment.MachineName, ex.Message);
        Assert.Equal(held.Holder, ex.Holder);
        Assert.Equal(held.LockPath, ex.LockPath);
    }

    [Fact]
    public void Lock_is_released_by_dispose_and_is_per_study()
    {
        using var store = TrialStore.Open(DbPath);
        var first = store.AcquireWriter("study-a");
        using var unrelated = store.AcquireWriter("study-b");
        using var slashed = store.AcquireWriter("study/a");

        first.Dispose();
        first.Dispose();

        Assert.False(first.IsHeld);
        using var second = store.AcquireWriter("study-a");
        Assert.True(second.IsHeld);
        Assert.NotEqual(second.LockPath, slashed.LockPath);
    }

    [Fact]
    public void Lock_is_per_database_file()
    {
        using var a = TrialStore.Open(_temp.File("a.db"));
        using var b = TrialStore.Open(_temp.File("b.db"));
        using var lockA = a.AcquireWriter("s");
        using var lockB = b.AcquireWriter("s");
        Assert.NotEqual(lockA.LockPath, lockB.LockPath);
    }

    /// <summary>
    /// Uses util-linux <c>flock(1)</c> as the other process: it takes the same <c>flock(LOCK_EX)</c> that .NET takes
    /// for <see cref="FileShare.None"/>, so this checks both directions across processes and release on SIGKILL.
    /// </summary>
    [Trait("Category", "System")] // runs flock(1) and SIGKILLs it
    [Fact]
    public void Lock_excludes_other_processes_and_is_released_when_the_holder_is_killed()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/flock"))
        {
            return; // flock(1) is not available; the in-process tests still cover the protocol.
        }

        using var store = TrialStore.Open(DbPath);
        string lockPath;
        using (var held = store.AcquireWriter("study-a"))
        {
            lockPath = held.LockPath;
            Assert.Equal(1, RunFlock("-n", "-x", lockPath, "true"));
        }

        Assert.Equal(0, RunFlock("-n", "-x", lockPath, "true"));

        using var holder = StartFlockHolder(lockPath);
        try
        {
            var ex = Assert.Throws<StudyLockedException>(() => store.AcquireWriter("study-a"));
            Assert.Contains("holder not recorded", ex.Message);
        }
        finally
        {
            holder.Kill(entireProcessTree: true); // SIGKILL: the holder gets no chance to unlock.
            holder.WaitForExit();
        }

        using var reacquired = store.AcquireWriter("study-a");
        Assert.True(reacquired.IsHeld);
    }

    private static int RunFlock(params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/flock", args) { UseShellExecute = false })!;
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Starts flock(1) holding the lock itself (<c>-o</c>: the child shell does not inherit it), so that
    /// waiting for flock's exit is waiting for the holder's exit.</summary>
    private static Process StartFlockHolder(string lockPath)
    {
        var info = new ProcessStartInfo("/usr/bin/flock", ["-o", "-x", lockPath, "-c", "echo locked; exec sleep 60"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(info)!;
        Assert.Equal("locked", process.StandardOutput.ReadLine());
        return process;
    }
}
