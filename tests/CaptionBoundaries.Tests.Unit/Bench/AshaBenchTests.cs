using CaptionBoundaries.Bench.Asha;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Tests.Support;
using FluentValidation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Bench;

/// <summary>
/// `bench sweep-asha` refusing what cannot run, before any data is generated or trained: the bench project's runner over
/// the application's service graph, and the thin CLI entry that calls it. Real runs: AshaBenchRunTests (integration).
/// </summary>
public sealed class AshaBenchTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new("cb-bench-asha");
    private AppHost _host = null!;

    public async Task InitializeAsync() => _host = await AppHost.StartAsync();

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private static readonly AshaBenchRequest Tiny = new()
    {
        Trials = 2,
        Epochs = 2,
        SamplesPerClass = 4,
        ImageSize = 32,
        BatchSize = 8,
        Architecture = "tiny_test_cnn",
        ModelConfig = new Dictionary<string, string> { ["width"] = "8" },
    };

    private AshaBenchmarkReport Run(AshaBenchRequest request)
    {
        using var scope = _host.Services.CreateScope();
        return ActivatorUtilities.CreateInstance<AshaBench>(scope.ServiceProvider).Run(request, CancellationToken.None);
    }

    private static string[] ScratchFolders() => Directory.GetDirectories(Path.GetTempPath(), "cb-bench-sweep-asha-*");

    [Fact]
    public void BadSettingsAreRefusedWithEachOptionNamedBeforeAnythingIsGenerated()
    {
        var scratchBefore = ScratchFolders();
        var e = Assert.Throws<ValidationException>(() => Run(Tiny with { Trials = 0, Eta = 1, MinIter = 2, SamplesPerClass = 2, Device = "tpu" }));
        Assert.Equal(["trials", "min_iter", "eta", "samples", "device"], e.Errors.Select(f => f.PropertyName));
        Assert.Contains("below --epochs (2)", e.Errors.Single(f => f.PropertyName == "min_iter").ErrorMessage);

        var missing = _temp.Combine("no-such-dataset");
        e = Assert.Throws<ValidationException>(() => Run(Tiny with { DatasetFolder = missing }));
        Assert.Equal("dataset", e.Errors.Single().PropertyName);
        Assert.Contains("is not a dataset folder", e.Errors.Single().ErrorMessage);

        // Unknown architectures and config keys are refused by the plugin registry, still before any data is made.
        Assert.Throws<UnknownPluginException>(() => Run(Tiny with { Architecture = "no_such_architecture" }));
        Assert.Equal(scratchBefore, ScratchFolders());
    }

    [Fact]
    public async Task TheCliEntryMapsRefusalsToBadInput()
    {
        TestPaths.PopulatePluginsFolder(_temp.Combine("plugins"));
        Task<int> Cli(params string[] args) =>
            CliApp.Build().Parse(["bench", "sweep-asha", "--data-dir", _temp.Combine("data"), "--plugins", _temp.Combine("plugins"), .. args]).InvokeAsync();

        Assert.Equal(CliErrors.BadInput, await Cli("--epochs", "2", "--min-iter", "2"));
        Assert.Equal(CliErrors.BadInput, await Cli("--dataset", _temp.Combine("no-such-dataset")));
        Assert.Equal(CliErrors.BadInput, await Cli("-a", "tiny_test_cnn", "-m", "no_such_key=1"));
    }
}
