using System.Globalization;
using System.Text;
using Apollo.Configuration;
using Apollo.Search.Studies;

namespace Apollo.Cli.Commands;

/// <summary>
/// Range checks of numeric command-line options, shared by every command and done before any file is read or
/// written: a bad value is a <see cref="ConfigException"/> on <c>&lt;command line&gt;</c> (exit 2) naming the
/// allowed range. System.CommandLine has already parsed the text (a non-number is its parse error, exit 1).
/// </summary>
public static class CliValues
{
    public const string Source = "<command line>";

    /// <summary>Largest area budget: the search config's, so a budget the command line accepts is one a study accepts.</summary>
    public const double MaxBudgetMm2 = SearchConfig.MaxAreaBudgetMm2;

    /// <summary>Most design points a census samples; it keeps every point in memory.</summary>
    public const int MaxSamples = 1_000_000;

    public const int MaxCpusPerTask = 4_096;

    /// <summary>Most evaluation threads or concurrent cells: four per core is already pure oversubscription.</summary>
    public static int MaxThreads => 4 * Environment.ProcessorCount;

    /// <summary>An area budget in mm²: finite and in (0, <see cref="MaxBudgetMm2"/>]; null (none given) stays null.</summary>
    public static double? Budget(double? mm2, string option = "--budget") =>
        mm2 is null or (> 0 and <= MaxBudgetMm2)
            ? mm2
            : throw Bad(option, string.Create(CultureInfo.InvariantCulture, $"the area budget must be a finite number of mm² in (0, {MaxBudgetMm2:G}]; got {mm2.Value:G}"));

    /// <summary><paramref name="value"/> when it lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int InRange(int value, string option, int min, int max, string? note = null) =>
        value >= min && value <= max
            ? value
            : throw Bad(option, string.Create(CultureInfo.InvariantCulture, $"must be between {min:N0} and {max:N0}{note}; got {value}"));

    /// <inheritdoc cref="InRange(int, string, int, int, string?)"/>
    public static int? InRange(int? value, string option, int min, int max, string? note = null) =>
        value is { } v ? InRange(v, option, min, max, note) : null;

    /// <summary>Evaluation threads: 0 (all cores) up to <see cref="MaxThreads"/>.</summary>
    public static int? Threads(int? value, string option = "--threads") => InRange(value, option, 0, MaxThreads, " (0 = all cores)");

    /// <summary>A study name from <c>--study</c>, held to the rules of the config's <c>study</c> field; null stays null.</summary>
    public static string? StudyName(string? name, string option = "--study")
    {
        if (name is not null && (name.Length == 0 || name.Any(char.IsControl)))
        {
            throw Bad(option, "the study name must be non-empty text without control characters");
        }

        return name is { Length: > SearchConfig.MaxStudyNameLength }
            ? throw Bad(option, string.Create(CultureInfo.InvariantCulture,
                $"the study name has {name.Length} characters; at most {SearchConfig.MaxStudyNameLength} are allowed (it becomes part of file names)"))
            : name;
    }

    /// <summary>Longest part of a bad value echoed in an error message.</summary>
    public const int MaxEcho = 80;

    /// <summary>
    /// At most <paramref name="max"/> characters of <paramref name="text"/> (then "…"), with line breaks written as
    /// <c>\n</c> and unpaired surrogates replaced, so an error message stays one short line of valid UTF-8
    /// whatever the input was.
    /// </summary>
    public static string Echo(string text, int max = MaxEcho)
    {
        var prefix = text.Length > max ? text[..max] + "…" : text;
        prefix = prefix.ReplaceLineEndings("\\n");
        return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(prefix));
    }

    internal static ConfigException Bad(string option, string problem) => new(Source, null, option, problem);
}
