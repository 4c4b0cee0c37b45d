using Spectre.Console;

namespace Apollo.Cli;

/// <summary>The process's standard streams, injectable so tests can run commands in-process.</summary>
public sealed record CliStreams(TextReader In, TextWriter Out, TextWriter Error, bool Interactive)
{
    /// <summary>Print the stack trace of an unexpected exception (<c>APOLLO_DEBUG=1</c>).</summary>
    public bool Debug { get; init; }

    public static CliStreams FromConsole() =>
        new(Console.In, StandardOutput.Open(), Console.Error, !Console.IsOutputRedirected && !Console.IsErrorRedirected)
        {
            Debug = Environment.GetEnvironmentVariable(Commands.CommandErrors.DebugVariable) == "1",
        };

    /// <summary>A Spectre console over <see cref="Out"/>; plain text when not attached to a terminal.</summary>
    public IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!Interactive)
        {
            console.Profile.Width = PlainWidth; // fixed width: stable output for logs and golden tests
        }

        return console;
    }

    /// <summary>Line width used when output is not a terminal.</summary>
    public const int PlainWidth = 120;
}
