using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Apollo.Cli;

/// <summary>Standard output was closed by its reader (a broken pipe) or before the process started.</summary>
public sealed class OutputClosedException(Exception innerException)
    : IOException("standard output is closed", innerException);

/// <summary>
/// Standard output for the CLI. A write to a pipe whose reader has gone (<c>apollo trials db | head -1</c>) or to a
/// closed descriptor (<c>&gt;&amp;-</c>) throws <see cref="OutputClosedException"/>, which the command error handler
/// turns into a quiet exit, so a command stops instead of computing output nobody reads. Other write errors
/// (a full disk) become an <see cref="IOException"/> that says it was standard output.
/// </summary>
internal sealed class StandardOutput(TextWriter inner) : TextWriter
{
    private const int Epipe = 32;
    private const int Ebadf = 9;

    public override Encoding Encoding => inner.Encoding;

    /// <summary>
    /// A writer over file descriptor 1. .NET's console stream drops writes to a broken pipe silently, so for a pipe
    /// (or another stream that cannot seek) the descriptor is written directly; files and terminals keep the
    /// console writer, which shares the file offset with stderr (<c>&gt;log 2&gt;&amp;1</c>).
    /// </summary>
    public static TextWriter Open()
    {
        var inner = Console.Out;
        if (Console.IsOutputRedirected)
        {
            try
            {
                var stream = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
                if (stream.CanSeek)
                {
                    stream.Dispose();
                }
                else
                {
                    inner = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 4096) { AutoFlush = true };
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // descriptor 1 is not open: the console writer reports it on the first write
            }
        }

        return Synchronized(new StandardOutput(inner));
    }

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => inner.Write(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(buffer.ToString());

    public override void WriteLine(string? value) => Guard(() => inner.WriteLine(value));

    public override void WriteLine() => Guard(inner.WriteLine);

    public override void Flush() => Guard(inner.Flush);

    /// <summary>True when <paramref name="e"/> says that nobody can read what is written.</summary>
    internal static bool IsClosed(Exception e) => e switch
    {
        IOException io when io.HResult is Epipe or Ebadf => true,
        UnauthorizedAccessException { InnerException: { } inner } => IsClosed(inner), // EBADF from the console stream
        IOException { InnerException: { } inner } => IsClosed(inner),
        _ => false,
    };

    private static void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw IsClosed(e) ? new OutputClosedException(e) : new IOException($"cannot write standard output: {e.Message}", e);
        }
    }
}
