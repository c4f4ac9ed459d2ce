using CaptionBoundaries.Host.Cli;

return await CliApp.Build().Parse(args).InvokeAsync();

/// <summary>Visible to the API tests, whose WebApplicationFactory locates the host assembly through it.</summary>
public partial class Program;
