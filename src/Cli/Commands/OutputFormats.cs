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

    /// <summary>Writes <paramref name="node"/> as one line of JSON.</summary>
    public static void WriteJson(TextWriter output, JsonNode node) => output.WriteLine(node.ToJsonString(EvaluationJson.Options));
}
