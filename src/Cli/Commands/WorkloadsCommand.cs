using System.CommandLine;
using System.Globalization;
using Apollo.Compiler.Workloads;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary>
/// <c>apollo workloads list | show NAME | check FILE</c>: the networks of one or more workload directories with
/// their layers, MACs and parameters, and a check of a user's own file. <c>--workload-dir</c> is repeatable; the
/// shipped configs/workloads always comes last, and a name defined in several directories is taken from the
/// first that defines it (the user's wins over the shipped one).
/// </summary>
public sealed class WorkloadsCommand(CliStreams streams, ConfigLocator locator)
{
    public Command Build()
    {
        var command = new Command("workloads", "List the workloads (layers, MACs, parameters, sets), show one layer by layer, or check a workload file.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Check());
        return command;
    }

    /// <summary>The repeatable <c>--workload-dir</c> of every command that reads workloads.</summary>
    internal static Option<string[]> DirectoryOption() => new("--workload-dir")
    {
        Description = "A folder of workload YAML files, searched before the shipped configs/workloads; repeatable (the first that defines a name wins).",
        AllowMultipleArgumentsPerToken = false,
    };

    private static readonly string[] ListColumns = ["name", "domain", "layers", "macs", "parameters", "sets", "file"];

    private Command List()
    {
        var dirs = DirectoryOption();
        var format = OutputFormats.Option(OutputFormats.Table, OutputFormats.Json, OutputFormats.Csv);
        var command = new Command("list", "Every workload: name, domain, layers, MACs and parameters per inference, the sets it is in.") { dirs, format };
        command.SetAction((result, _) => Guard(() =>
        {
            var workloads = Catalog(result.GetValue(dirs));
            var rows = workloads.Select(e => (IReadOnlyList<object?>)
                [e.Workload.Name, e.Workload.Domain, e.Workload.Layers.Count, e.Workload.TotalMacs, e.Workload.TotalParameters, string.Join(" ", e.Sets), e.Workload.File]).ToList();
            if (result.GetValue(format) is OutputFormats.Json or OutputFormats.Csv)
            {
                OutputFormats.WriteRows(streams.Out, result.GetValue(format) == OutputFormats.Csv, ListColumns, rows);
                return;
            }

            var table = new Table().AddColumn("name").AddColumn("domain").AddColumn(new TableColumn("layers").RightAligned())
                .AddColumn(new TableColumn("MACs").RightAligned()).AddColumn(new TableColumn("parameters").RightAligned()).AddColumn("sets");
            foreach (var (w, sets) in workloads)
            {
                table.AddRow(Markup.Escape(w.Name), Markup.Escape(w.Domain), N(w.Layers.Count), N(w.TotalMacs), N(w.TotalParameters), Markup.Escape(string.Join(" ", sets)));
            }

            streams.CreateConsole().Write(table);
        }));
        return command;
    }

    private static readonly string[] LayerColumns = ["layer", "op", "repeat", "macs", "parameters"];

    private Command Show()
    {
        var dirs = DirectoryOption();
        var name = new Argument<string>("name") { Description = "Workload name (see apollo workloads list)." };
        var format = OutputFormats.Option(OutputFormats.Table, OutputFormats.Json, OutputFormats.Csv);
        var command = new Command("show", "One workload layer by layer: op, repeat, MACs (all repeats) and parameters.") { name, dirs, format };
        command.SetAction((result, _) => Guard(() =>
        {
            var wanted = result.GetValue(name)!;
            var entries = Catalog(result.GetValue(dirs));
            var w = entries.FirstOrDefault(e => e.Workload.Name == wanted).Workload
                ?? throw CliValues.Bad("name", $"unknown workload '{CliValues.Echo(wanted)}'; workloads: {string.Join(", ", entries.Select(e => e.Workload.Name))}");
            var rows = w.Layers.Select(l => (IReadOnlyList<object?>)[l.Name, l.Shape.Op.ToString(), l.Repeat, l.Shape.HasWeights ? l.Shape.Macs * l.Repeat : 0L, l.Parameters]).ToList();
            if (result.GetValue(format) is OutputFormats.Json or OutputFormats.Csv)
            {
                OutputFormats.WriteRows(streams.Out, result.GetValue(format) == OutputFormats.Csv, LayerColumns, rows);
                return;
            }

            var table = new Table().Title(Markup.Escape($"{w.Name} ({w.Domain}): {w.Layers.Count} layers"))
                .AddColumn("layer").AddColumn("op").AddColumn(new TableColumn("repeat").RightAligned())
                .AddColumn(new TableColumn("MACs").RightAligned()).AddColumn(new TableColumn("parameters").RightAligned());
            foreach (var l in w.Layers)
            {
                table.AddRow(Markup.Escape(l.Name), l.Shape.Op.ToString(), N(l.Repeat), N(l.Shape.HasWeights ? l.Shape.Macs * l.Repeat : 0), N(l.Parameters));
            }

            var console = streams.CreateConsole();
            console.Write(table.Border(streams.Interactive ? TableBorder.Square : TableBorder.None));
            console.MarkupLine(Markup.Escape(Totals(w)));
        }));
        return command;
    }

    private Command Check()
    {
        var file = new Argument<string>("file") { Description = "A workload YAML file (see docs/workloads.md)." };
        var command = new Command("check", "Validate a workload file and print its totals; a bad file is one error line (exit 2).") { file };
        command.SetAction((result, _) => Guard(() =>
        {
            var w = WorkloadCatalog.LoadFile(locator.UserPath(result.GetValue(file)!));
            streams.Out.WriteLine($"ok: {Totals(w)}");
        }));
        return command;
    }

    /// <summary>One line of totals, with the published figures when the file states them.</summary>
    private static string Totals(Workload w) => string.Create(CultureInfo.InvariantCulture,
        $"{w.Name}: {w.Layers.Count} layers, {w.TotalMacs:N0} MACs, {w.TotalParameters:N0} parameters")
        + (w.Published is { } p ? string.Create(CultureInfo.InvariantCulture, $" (published: {p.Macs:N0} MACs, {p.Parameters:N0} parameters)") : "");

    /// <summary>The workloads of the given directories and then the shipped one; a name's first definition wins.</summary>
    private List<(Workload Workload, IReadOnlyList<string> Sets)> Catalog(string[]? directories)
    {
        var path = locator.WorkloadSearchPath(directories);
        var catalog = WorkloadCatalog.Load(path);

        // Listed folder by folder (the user's first), by name within a folder.
        int Folder(string name) => path.ToList().IndexOf(Path.GetDirectoryName(Path.GetFullPath(catalog.Get(name).File)) ?? "");
        return catalog.Names.OrderBy(Folder)
            .Select(name => (catalog.Get(name), (IReadOnlyList<string>)catalog.Sets.Where(s => s.Value.Contains(name)).Select(s => s.Key).Order(StringComparer.Ordinal).ToList()))
            .ToList();
    }

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private Task<int> Guard(Action body) => CommandErrors.Guard(streams, () =>
    {
        body();
        return Task.FromResult(CommandErrors.Ok);
    });
}
