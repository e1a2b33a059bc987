using Obs.Cli.Infrastructure;

return CliApp.Run(args, CliConsole.FromProcess());
