using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Apollo.Simulator.Template;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary><c>apollo space</c>: the parameters of a search space and its size.</summary>
public sealed class SpaceCommand(CliStreams streams, ConfigLocator locator)
{
    private readonly Option<string?> _space = new("--space") { Description = "Search space YAML (default: configs/accelerators/space.yaml)." };

    private readonly Option<string> _format = OutputFormats.Option(OutputFormats.Table, OutputFormats.Json, OutputFormats.Csv);

    public Command Build()
    {
        var command = new Command("space", "Print the template parameters of a search space and its size.") { _space, _format };
        command.SetAction((result, _) => CommandErrors.Guard(streams, () =>
        {
            var space = AcceleratorFiles.LoadSpace(result.GetValue(_space) is { } s ? locator.UserPath(s) : locator.DefaultSpace);
            switch (result.GetValue(_format))
            {
                case OutputFormats.Json:
                    OutputFormats.WriteJson(streams.Out, Json(space));
                    return Task.FromResult(CommandErrors.Ok);
                case OutputFormats.Csv:
                    // Long form, one row per value: every cell is one number or one name.
                    OutputFormats.WriteRows(streams.Out, csv: true, ["parameter", "unit", "value"],
                        space.Parameters.SelectMany(p => p.Values.Select(v => (IReadOnlyList<object?>)[p.Name, TemplateParameters.Unit(p.Name), v])));
                    return Task.FromResult(CommandErrors.Ok);
            }

            var console = streams.CreateConsole();
            var table = new Table().Title($"Search space '{Markup.Escape(space.Name)}'")
                .AddColumn("parameter").AddColumn("unit").AddColumn(new TableColumn("count").RightAligned()).AddColumn("values");
            foreach (var p in space.Parameters)
            {
                table.AddRow(
                    p.Name,
                    Markup.Escape(TemplateParameters.Unit(p.Name)),
                    p.Values.Count.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", p.Values.Select(v => v.ToString(CultureInfo.InvariantCulture)))));
            }

            console.Write(table);
            console.MarkupLine($"size: [bold]{space.Size.ToString("N0", CultureInfo.InvariantCulture)}[/] design points");
            return Task.FromResult(CommandErrors.Ok);
        }));
        return command;
    }

    private static JsonObject Json(TemplateSpace space) => new()
    {
        ["name"] = space.Name,
        ["file"] = space.File,
        ["technology"] = space.TechnologyFile,
        ["size"] = space.Size,
        ["parameters"] = new JsonArray(space.Parameters.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Name,
            ["unit"] = TemplateParameters.Unit(p.Name),
            ["count"] = p.Values.Count,
            ["values"] = new JsonArray(p.Values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
        }).ToArray()),
    };
}
