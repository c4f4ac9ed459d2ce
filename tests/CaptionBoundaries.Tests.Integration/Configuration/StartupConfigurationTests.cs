using System.Diagnostics;
using CaptionBoundaries.Tests.Support;
using CaptionBoundaries.Tests.Ui.E2E;

namespace CaptionBoundaries.Tests.Configuration;

/// <summary>The real executable, as an operator starts it: a wrong setting stops it before anything is created, naming the key.</summary>
public sealed class StartupConfigurationTests : IDisposable
{
    private readonly TempFolder _temp = new("cb-startup");

    public void Dispose() => _temp.Dispose();

    private async Task<(int ExitCode, string Output)> Run(IDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _temp.Path };
        start.ArgumentList.Add(ConsoleServer.HostDll());
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var variable in new[] { "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "CAPTIONBOUNDARIES_ENVIRONMENT" })
            start.Environment.Remove(variable);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{string.Join(' ', args)}` kept running: the bad configuration did not stop it.\n{await stdout}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Serve_with_a_bad_slot_count_stops_naming_the_key_and_creates_nothing()
    {
        var data = _temp.Combine("data");

        var (exitCode, output) = await Run(new Dictionary<string, string> { ["CAPTIONBOUNDARIES_Cluster__Slots"] = "many" },
            "serve", "--data-dir", data, "--urls", $"http://127.0.0.1:{FreePort.Next()}");

        Assert.Equal(2, exitCode);
        Assert.Contains("'Cluster:Slots' is 'many'", output);
        Assert.False(Directory.Exists(data), "nothing may be created before the configuration is valid");
    }

    [Fact]
    public async Task Production_without_a_database_connection_stops_naming_the_key()
    {
        var (exitCode, output) = await Run(new Dictionary<string, string>(), "serve", "--environment", "Production",
            "--data-dir", _temp.Combine("data"), "--urls", $"http://127.0.0.1:{FreePort.Next()}");

        Assert.Equal(2, exitCode);
        Assert.Contains("'Database:ConnectionString' is required when 'Database:Provider' is 'postgres'", output);
    }

    [Fact]
    public async Task Config_show_reads_the_environment_file_and_masks_secrets()
    {
        var (exitCode, output) = await Run(
            new Dictionary<string, string>
            {
                ["DOTNET_ENVIRONMENT"] = "Staging",
                ["CAPTIONBOUNDARIES_Database__ConnectionString"] = "Host=127.0.0.1;Username=cb;Password=hunter2",
            },
            "config", "show", "--data-dir", _temp.Combine("data"));

        Assert.Equal(0, exitCode);
        Assert.Contains("Configuration (Staging)", output);
        Assert.Contains("caption-boundaries-staging", output);
        Assert.Contains("password=***", output);
        Assert.DoesNotContain("hunter2", output);
    }
}
