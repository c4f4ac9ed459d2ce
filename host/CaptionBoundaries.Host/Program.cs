using CaptionBoundaries.Host.Cli;
using Spectre.Console;

// Piped or logged output has no terminal width; Spectre would assume 80 columns and wrap every table.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200;

return await CliApp.Build().Parse(args).InvokeAsync();

/// <summary>Visible to the API tests, whose WebApplicationFactory locates the host assembly through it.</summary>
public partial class Program;
