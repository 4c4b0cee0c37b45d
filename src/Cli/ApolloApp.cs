using System.CommandLine;
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
        using var host = builder.Build();

        var root = new RootCommand("Apollo: machine-learning-driven design-space exploration of DNN accelerators.")
        {
            host.Services.GetRequiredService<SpaceCommand>().Build(),
            host.Services.GetRequiredService<EvaluateCommand>().Build(),
            host.Services.GetRequiredService<CensusCommand>().Build(),
        };

        var parse = root.Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = streams.Out, Error = streams.Error });
    }
}
