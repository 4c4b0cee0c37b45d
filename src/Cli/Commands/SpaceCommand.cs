using System.CommandLine;
using System.Globalization;
using Apollo.Simulator.Template;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary><c>apollo space</c>: the parameters of a search space and its size.</summary>
public sealed class SpaceCommand(CliStreams streams, ConfigLocator locator)
{
    private readonly Option<string?> _space = new("--space") { Description = "Search space YAML (default: configs/accelerators/space.yaml)." };

    public Command Build()
    {
        var command = new Command("space", "Print the template parameters of a search space and its size.") { _space };
        command.SetAction((result, _) => CommandErrors.Guard(streams, () =>
        {
            var space = AcceleratorFiles.LoadSpace(result.GetValue(_space) is { } s ? locator.UserPath(s) : locator.DefaultSpace);
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
}
