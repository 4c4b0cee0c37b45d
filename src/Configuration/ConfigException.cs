namespace Apollo.Configuration;

/// <summary>
/// A user-facing configuration error: names the file, the line (when the YAML parser gives one),
/// the field and what would have been allowed. The CLI turns it into exit code 2 and one message.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string file, int? line, string field, string problem, Exception? inner = null)
        : base(Format(file, line, field, problem), inner)
    {
        File = file;
        Line = line;
        Field = field;
        Problem = problem;
    }

    public string File { get; }

    public int? Line { get; }

    public string Field { get; }

    public string Problem { get; }

    private static string Format(string file, int? line, string field, string problem)
    {
        var where = line is { } l ? $"{OneLine(file)}:{l}" : OneLine(file);
        return string.IsNullOrEmpty(field) ? $"{where}: {OneLine(problem)}" : $"{where}: field '{OneLine(field)}': {OneLine(problem)}";
    }

    // The message is printed as one line: line breaks and other control characters (from a parser's
    // message, a file name or a quoted bad value) become spaces, and so do the Unicode line and paragraph separators.
    private static string OneLine(string text) =>
        text.Any(IsBreak) ? string.Concat(text.Select(c => IsBreak(c) ? ' ' : c)) : text;

    private static bool IsBreak(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
