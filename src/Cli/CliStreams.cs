using Spectre.Console;

namespace Apollo.Cli;

/// <summary>The process's standard streams, injectable so tests can run commands in-process.</summary>
public sealed record CliStreams(TextReader In, TextWriter Out, TextWriter Error, bool Interactive)
{
    public static CliStreams FromConsole() =>
        new(Console.In, Console.Out, Console.Error, !Console.IsOutputRedirected && !Console.IsErrorRedirected);

    /// <summary>A Spectre console over <see cref="Out"/>; plain text when not attached to a terminal.</summary>
    public IAnsiConsole CreateConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Out),
        Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
    });
}
