using System.Data.Common;
using Apollo.Configuration;
using Apollo.Search.Storage;

namespace Apollo.Cli.Commands;

/// <summary>
/// Exit codes, and the one place that turns exceptions into exit codes and messages. <see cref="ApolloApp"/> runs
/// every command through <see cref="Guard"/>, so a command body only throws; it never prints an error itself.
/// </summary>
public static class CommandErrors
{
    public const int Ok = 0;

    /// <summary>A run-time failure: a failed cell or submission, an I/O error, an unexpected exception.</summary>
    public const int Failure = 1;

    /// <summary>Bad input: configuration, command-line values, the trial store, a locked study.</summary>
    public const int BadInput = 2;

    /// <summary>A command-line parse error: an unknown command or option (<see cref="CommandLineTypos"/>), as System.CommandLine's own.</summary>
    public const int UsageError = 1;

    public const int Interrupted = 130;

    /// <summary>Standard output was closed by its reader (<c>apollo trials db | head -1</c>): 128 + SIGPIPE, as a shell reports it.</summary>
    public const int OutputClosed = 141;

    /// <summary>Set to 1 to print the stack trace of an unexpected exception.</summary>
    public const string DebugVariable = "APOLLO_DEBUG";

    /// <summary>Runs a command body and maps whatever it throws to an exit code and at most one line on stderr.</summary>
    public static async Task<int> Guard(CliStreams streams, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e)
        {
            return Report(streams, e);
        }
    }

    /// <summary>The exit code for <paramref name="exception"/>, after writing its one-line message to stderr.</summary>
    public static int Report(CliStreams streams, Exception exception)
    {
        var e = Unwrap(exception);
        var (code, message, unexpected) = e switch
        {
            ConfigException => (BadInput, $"error: {e.Message}", false),
            StoreException or StudyLockedException => (BadInput, $"error: {e.Message}", false),
            OperationCanceledException => (Interrupted, "interrupted", false),
            OutputClosedException => (OutputClosed, null, false),
            IOException or UnauthorizedAccessException => (Failure, $"error: {e.Message}", false),
            DbException => (Failure, $"error: database: {e.Message}", false),
            _ => (Failure, $"internal error: {e.GetType().Name}: {e.Message}", true),
        };
        if (message is null)
        {
            return code; // nobody is reading: exit quietly
        }

        try
        {
            streams.Error.WriteLine(OneLine(message));
            if (unexpected)
            {
                streams.Error.WriteLine(streams.Debug
                    ? exception.ToString()
                    : $"hint: this is a bug in apollo; rerun with {DebugVariable}=1 for the stack trace and report it");
            }
        }
        catch (Exception e2) when (e2 is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // stderr is gone too: the exit code is all that is left.
        }

        return code;
    }

    /// <summary>An aggregate of one kind of exception (e.g. from Parallel.For) reports as its first inner exception.</summary>
    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            e = aggregate.Flatten().InnerExceptions[0];
        }

        return e;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
