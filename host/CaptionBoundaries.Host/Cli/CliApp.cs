using System.CommandLine;
using CaptionBoundaries.Host.Cli.Commands;

namespace CaptionBoundaries.Host.Cli;

/// <summary>
/// The caption-boundaries command line. Local commands (train, datasets, experiments, explain, accounts, serve …) send
/// Mediator requests in-process, through the same pipeline as the API; remote ones (models, sweeps, monitor, predict,
/// bench load …) call a running server's HTTP API with a token (ServerApiClient).
/// </summary>
public static class CliApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand("CaptionBoundaries: train, track and run caption boundary models.");
        foreach (var option in GlobalOptions.All) root.Options.Add(option);
        root.Subcommands.Add(ListModelsCommand.Create());
        root.Subcommands.Add(DatasetCommands.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(InferCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(PredictCommandLine.Create());
        root.Subcommands.Add(ExperimentsCommands.Create());
        root.Subcommands.Add(ReportCommands.Create());
        root.Subcommands.Add(ModelBenchmarkCommands.Create());
        root.Subcommands.Add(SweepCommands.Create());
        root.Subcommands.Add(BenchCommands.Create());
        root.Subcommands.Add(MonitorCommands.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(WorkerRunCommand.Create());
        root.Subcommands.Add(ConfigCommands.Create());
        foreach (var command in AccountCommands.Create()) root.Subcommands.Add(command);
        return root;
    }
}
