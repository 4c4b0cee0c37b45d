using System.CommandLine;
using System.Runtime.InteropServices;
using Apollo.Cli.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Apollo.Cli;

/// <summary>
/// Composition root: a generic host supplies dependency injection and logging; System.CommandLine
/// parses and dispatches, and passes a cancellation token that Ctrl+C triggers.
/// </summary>
public static class ApolloApp
{
    public static async Task<int> RunAsync(string[] args, CliStreams streams, ConfigLocator? locator = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(streams);
        builder.Services.AddSingleton(locator ?? ConfigLocator.Default);
        builder.Services.AddSingleton<SpaceCommand>();
        builder.Services.AddSingleton<EvaluateCommand>();
        builder.Services.AddSingleton<CensusCommand>();
        builder.Services.AddSingleton<SearchCommand>();
        builder.Services.AddSingleton<StoreCommands>();
        builder.Services.AddSingleton<ReportCommand>();
        builder.Services.AddSingleton<SummaryCommand>();
        builder.Services.AddSingleton<SweepCommand>();
        builder.Services.AddSingleton<MergeCommand>();
        builder.Services.AddSingleton<AskTellCommands>();
        builder.Services.AddSingleton<CompletionCommand>();
        builder.Services.AddSingleton<WorkloadsCommand>();
        builder.Services.AddSingleton(TimeProvider.System);
        using var host = builder.Build();

        var root = new RootCommand("Apollo: machine-learning-driven design-space exploration of DNN accelerators.")
        {
            host.Services.GetRequiredService<SpaceCommand>().Build(),
            host.Services.GetRequiredService<EvaluateCommand>().Build(),
            host.Services.GetRequiredService<CensusCommand>().Build(),
            host.Services.GetRequiredService<SearchCommand>().Build(),
            host.Services.GetRequiredService<ReportCommand>().Build(),
            host.Services.GetRequiredService<SummaryCommand>().Build(),
        };
        root.Subcommands.Add(host.Services.GetRequiredService<MergeCommand>().Build());
        foreach (var command in host.Services.GetRequiredService<AskTellCommands>().Build())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(host.Services.GetRequiredService<WorkloadsCommand>().Build());
        root.Subcommands.Add(host.Services.GetRequiredService<CompletionCommand>().Build());
        foreach (var command in host.Services.GetRequiredService<SweepCommand>().Build().Concat(host.Services.GetRequiredService<StoreCommands>().Build()))
        {
            root.Subcommands.Add(command);
        }

        // Ctrl+C (SIGINT) and SIGTERM (e.g. from Slurm) request a graceful stop: a search finishes and stores
        // its in-flight batch, then exits with 130. A second Ctrl+C terminates at once.
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Graceful);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Graceful);
        var parse = root.Parse(args);
        if (CommandLineTypos.Find(parse, args) is { } typo)
        {
            streams.Error.WriteLine(typo);
            return CommandErrors.UsageError;
        }

        // Every exception, also from help and parse-error output, ends in CommandErrors: one line, a defined exit code.
        var invocation = new InvocationConfiguration { Output = streams.Out, Error = streams.Error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        return await CommandErrors.Guard(streams, () => parse.InvokeAsync(invocation, stop.Token));

        void Graceful(PosixSignalContext context)
        {
            if (stop.IsCancellationRequested)
            {
                return; // second signal: let the default handler terminate the process
            }

            context.Cancel = true;
            streams.Error.WriteLine("stopping gracefully: a search stores its batch in flight first (press Ctrl+C again to abort)");
            stop.Cancel();
        }
    }
}
