using System.CommandLine;
using System.Text.Json.Nodes;
using Apollo.Cli.Output;

namespace Apollo.Cli.Commands;

/// <summary>
/// The <c>--format</c> option of the read commands (docs/cli.md, "Output formats"): <c>table</c> for people,
/// <c>json</c> (snake_case keys, numbers as numbers) and <c>csv</c> (invariant culture, no thousands separators, no
/// units in cells; units are in the column names) for programs.
/// </summary>
public static class OutputFormats
{
    public const string Table = "table";
    public const string Json = "json";
    public const string Csv = "csv";

    /// <summary>A <c>--format</c> option accepting <paramref name="allowed"/>, the first being the default.</summary>
    public static Option<string> Option(params string[] allowed)
    {
        var option = new Option<string>("--format") { Description = $"Output format: {string.Join(", ", allowed)}.", DefaultValueFactory = _ => allowed[0] };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    /// <summary>
    /// One CSV row as a JSON object with the column names as keys, so the two forms of a command never disagree; cells
    /// are strings, numbers (int, long, double) or null.
    /// </summary>
    public static JsonObject Row(IReadOnlyList<string> columns, IReadOnlyList<object?> cells)
    {
        var row = new JsonObject();
        foreach (var (name, cell) in columns.Zip(cells))
        {
            row[name] = cell switch
            {
                null => null,
                string text => JsonValue.Create(text),
                int i => JsonValue.Create(i),
                long l => JsonValue.Create(l),
                double d => JsonValue.Create(d),
                _ => throw new ArgumentException($"a cell of type {cell.GetType().Name}", nameof(cells)),
            };
        }

        return row;
    }

    /// <summary>Writes a table as CSV (<paramref name="csv"/>) or as JSON lines, one object per row.</summary>
    public static void WriteRows(TextWriter output, bool csv, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<object?>> rows)
    {
        if (!csv)
        {
            foreach (var row in rows)
            {
                WriteJson(output, Row(columns, row));
            }

            return;
        }

        using var table = new Apollo.Reports.CsvTable(output, columns);
        foreach (var row in rows)
        {
            table.WriteRow(row);
        }
    }

    /// <summary>Writes <paramref name="node"/> as one line of JSON.</summary>
    public static void WriteJson(TextWriter output, JsonNode node) => output.WriteLine(node.ToJsonString(EvaluationJson.Options));
}
