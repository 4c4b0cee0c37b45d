using Apollo.Configuration;

namespace Apollo.Cli.Commands;

/// <summary>Exit codes and the one place that turns exceptions into messages.</summary>
public static class CommandErrors
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int Interrupted = 130;

    /// <summary>Runs a command body; a configuration error becomes one line on stderr and exit code 2.</summary>
    public static async Task<int> Guard(CliStreams streams, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (ConfigException e)
        {
            await streams.Error.WriteLineAsync($"error: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            await streams.Error.WriteLineAsync("interrupted");
            return Interrupted;
        }
    }
}
