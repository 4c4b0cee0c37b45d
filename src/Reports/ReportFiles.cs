using System.Security.Cryptography;
using System.Text;

namespace Apollo.Reports;

/// <summary>
/// Writes the files of a report so that none is ever left half-written: each is written to a temporary file in the
/// same folder and renamed over its target only when complete (a rename within a folder is atomic). When a write
/// fails (a full disk), the temporary file is deleted, the target keeps its previous content or stays absent, and
/// an <see cref="IOException"/> naming the target is thrown.
/// </summary>
/// <param name="directory">The report folder; it must exist.</param>
/// <param name="writeFile">Creates a file with the given bytes (default <see cref="File.WriteAllBytes(string, byte[])"/>); tests pass one that fails.</param>
public sealed class ReportFiles(string directory, Action<string, byte[]>? writeFile = null)
{
    /// <summary>Longest file-name part derived from a study name, before its hash.</summary>
    public const int MaxNameLength = 100;

    private readonly Action<string, byte[]> _writeFile = writeFile ?? File.WriteAllBytes;

    public string Directory => directory;

    /// <summary>Writes <paramref name="content"/> to <paramref name="fileName"/> in the folder; returns its path.</summary>
    /// <exception cref="IOException">The file could not be written; nothing of it is left behind.</exception>
    public string Write(string fileName, byte[] content)
    {
        var target = Path.Combine(directory, fileName);
        var temp = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            _writeFile(temp, content);
            File.Move(temp, target, overwrite: true);
            return target;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // the original failure is the one to report
            }

            // .NET appends " : 'path'" of the temporary file; the target is what the user knows.
            var reason = e.Message.Replace($" : '{temp}'", "", StringComparison.Ordinal).Replace(temp, target, StringComparison.Ordinal);
            throw new IOException($"cannot write {target}: {reason}", e);
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark).</summary>
    public string WriteText(string fileName, string text) => Write(fileName, new UTF8Encoding(false).GetBytes(text));

    /// <summary>
    /// A file-name part for a study name: letters, digits, '-', '_' and '.' are kept, anything else becomes '_'.
    /// A name that had to change, or is longer than <see cref="MaxNameLength"/>, is cut to that length and gets
    /// 8 hex digits of its SHA-256, so that two studies never share a file and every name fits a file system.
    /// </summary>
    public static string NamePart(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        if (safe == name && safe.Length is > 0 and <= MaxNameLength && safe[0] != '.')
        {
            return safe;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return $"{(safe.Length > MaxNameLength ? safe[..MaxNameLength] : safe).TrimStart('.')}-{hash}";
    }
}
