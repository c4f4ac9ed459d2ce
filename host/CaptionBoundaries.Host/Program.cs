using CaptionBoundaries.Host.Cli;

return await CliApp.Build().Parse(args).InvokeAsync();
