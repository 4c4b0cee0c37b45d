using System.CommandLine;
using System.Globalization;

namespace Apollo.Cli.Commands;

/// <summary>
/// Catches misspelt commands and options before anything runs, so <c>apollo search --trails 5</c> is never read as
/// the config file <c>--trails</c>: every token that looks like an option must be an option of the command (or a
/// recursive one such as <c>--help</c>), and an unknown command under the root is refused. The message is one line
/// with the nearest name (<c>did you mean '--trials'?</c>); the exit code is that of a parse error.
/// </summary>
public static class CommandLineTypos
{
    /// <summary>The longest edit distance a suggestion may be from the typed name (and at most a third of its length, at least 1).</summary>
    public const int MaxDistance = 2;

    /// <summary>The one-line error for the first misspelt option or command of <paramref name="args"/>, or null when there is none.</summary>
    public static string? Find(ParseResult parse, IReadOnlyList<string> args)
    {
        var command = parse.CommandResult.Command;
        var known = KnownOptions(command);
        foreach (var token in args.TakeWhile(t => t != "--"))
        {
            if (!LooksLikeOption(token))
            {
                continue;
            }

            var name = OptionName(token);
            if (!known.Contains(name))
            {
                var hint = Nearest(name, known.Where(k => k.StartsWith("--", StringComparison.Ordinal)));
                return $"error: unknown option '{CliValues.Echo(name)}' for '{Path(command)}'"
                    + (hint is null ? "" : $"; did you mean '{hint}'?")
                    + $" ({Path(command)} --help lists its options)";
            }
        }

        if (command.Subcommands.Count == 0)
        {
            return null;
        }

        // A command with subcommands: an unmatched word, or (for `sweep`, which also takes a config) a first argument
        // that is no file but near a subcommand's name, is a misspelt subcommand, never a path to read.
        var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        var argument = parse.CommandResult.Tokens.FirstOrDefault(t => t.Type == System.CommandLine.Parsing.TokenType.Argument)?.Value;
        string? unknown;
        if (parse.UnmatchedTokens.Count > 0 && (argument is null || !command.Arguments.Any()))
        {
            unknown = parse.UnmatchedTokens[0];
        }
        else if (argument is not null && !File.Exists(argument) && !Directory.Exists(argument) && Nearest(argument, names) is not null)
        {
            unknown = argument;
        }
        else
        {
            return null;
        }

        var nearest = Nearest(unknown, names);
        var where = command.Parents.Any() ? $" for '{Path(command)}'" : "";
        return $"error: unknown command '{CliValues.Echo(unknown)}'{where}"
            + (nearest is null ? $"; commands: {string.Join(", ", names)}" : $"; did you mean '{nearest}'?")
            + $" ({Path(command)} --help lists the commands)";
    }

    /// <summary>An option's name or alias: <c>-x</c> or <c>--x</c>; not <c>-</c> (stdin by convention) and not a negative number.</summary>
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-'
        && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>The name part of <c>--name=value</c> or <c>--name:value</c>, forms System.CommandLine accepts.</summary>
    private static string OptionName(string token)
    {
        var end = token.IndexOfAny(['=', ':']);
        return end > 0 ? token[..end] : token;
    }

    /// <summary>The command's own options and the recursive ones of its ancestors (help, version), names and aliases.</summary>
    private static HashSet<string> KnownOptions(Command command)
    {
        var known = new HashSet<string>(StringComparer.Ordinal) { "-?", "-h", "--help" };
        AddOptions(known, command.Options);
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            AddOptions(known, parent.Options.Where(o => o.Recursive));
        }

        return known;
    }

    private static void AddOptions(HashSet<string> known, IEnumerable<Option> options)
    {
        foreach (var option in options)
        {
            known.Add(option.Name);
            known.UnionWith(option.Aliases);
        }
    }

    private static string Path(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Add(c.Parents.Any() ? c.Name : "apollo");
        }

        names.Reverse();
        return string.Join(" ", names);
    }

    /// <summary>The candidate nearest to <paramref name="typed"/> in edit distance, when near enough; ties go to the first.</summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var limit = Math.Max(1, Math.Min(MaxDistance, typed.TrimStart('-').Length / 3));
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(typed, candidate);
            if (d < bestDistance)
            {
                (best, bestDistance) = (candidate, d);
            }
        }

        return bestDistance <= limit ? best : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and transpositions of neighbours cost 1.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
