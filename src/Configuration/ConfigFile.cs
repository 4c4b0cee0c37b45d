using System.Globalization;
using System.Text;

namespace Apollo.Configuration;

/// <summary>
/// Bounded reading of configuration files. A configuration file must be an ordinary file of at most
/// <see cref="MaxBytes"/> bytes: a folder, a device such as <c>/dev/zero</c>, a named pipe or a socket is
/// refused before it is opened (reading one would never end or would block until a writer appears), and
/// no read goes past the limit even if the file grows while it is read.
/// </summary>
public static class ConfigFile
{
    /// <summary>Largest configuration file accepted: 16 MiB (the shipped files are below 50 KiB).</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Why <paramref name="path"/> cannot be read as a configuration file, or null when it can be tried.
    /// Used by loaders that name another file (a space's technology, a search config's baseline) so that
    /// the problem is reported against the field that names it.
    /// </summary>
    public static string? Problem(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                return "is a folder, not a file";
            }

            // A symbolic link is judged by its final target: the link's own length says nothing about a pipe behind it.
            // (Directory.Exists above already follows links.)
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                info = new FileInfo(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path);
            }

            if (!info.Exists)
            {
                return "file not found";
            }

            // stat() gives every device, pipe and socket a length of 0, so a zero length is refused here,
            // before open(): opening a named pipe blocks until a writer appears and /dev/zero never ends.
            if (info.Length == 0)
            {
                return "the file is empty (or is not a regular file: a device, pipe or socket)";
            }

            return info.Length > MaxBytes
                ? $"the file has {info.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes; configuration files are limited to {MaxBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes (16 MiB)"
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return CannotRead(e);
        }
    }

    /// <summary>The text of a configuration file (UTF-8), read with a bounded read.</summary>
    /// <exception cref="ConfigException">The file is missing, not a regular file, too large, or unreadable.</exception>
    public static string ReadText(string path)
    {
        if (Problem(path) is { } problem)
        {
            throw new ConfigException(path, null, "", problem);
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
            var buffer = new byte[Math.Min(MaxBytes + 1L, Math.Max(stream.Length + 1, 4096))];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
                if (total == buffer.Length && total <= MaxBytes)
                {
                    Array.Resize(ref buffer, (int)Math.Min(MaxBytes + 1L, buffer.Length * 2L));
                }
            }

            if (total > MaxBytes)
            {
                throw new ConfigException(path, null, "", $"the file grew beyond the limit of {MaxBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes (16 MiB) while it was read");
            }

            var text = new UTF8Encoding(false, false).GetString(buffer, 0, total);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, null, "", CannotRead(e), e);
        }
    }

    private static string CannotRead(Exception e) => e switch
    {
        UnauthorizedAccessException => $"cannot read the file (permission denied or not a file): {e.Message}",
        _ => $"cannot read the file: {e.Message}",
    };
}
