using Apollo.Cli;

return await ApolloApp.RunAsync(args, CliStreams.FromConsole());
