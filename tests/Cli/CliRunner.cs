using Apollo.Cli;
using Apollo.Testing;

namespace Apollo.Cli.Tests;

/// <summary>Runs the real command tree in-process with captured streams, from the repository root.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> RunWithInput(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var streams = new CliStreams(new StringReader(stdin), output, error, Interactive: false);
        var code = await ApolloApp.RunAsync(args, streams, new ConfigLocator(RepositoryPaths.Root, RepositoryPaths.Root));
        return new Result(code, output.ToString(), error.ToString());
    }

    public static Task<Result> Run(params string[] args) => RunWithInput("", args);
}
