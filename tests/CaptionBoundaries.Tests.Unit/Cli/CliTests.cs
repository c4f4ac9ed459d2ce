using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.Data.Sqlite;

namespace CaptionBoundaries.Tests.Cli;

/// <summary>The real command line, run in-process against a temp data folder and plugins folder.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempFolder _temp = new("cb-cli");

    public CliTests() => TestPaths.PopulatePluginsFolder(_temp.Combine("plugins"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private Task<int> Cli(params string[] args) =>
        CliApp.Build().Parse(["--data-dir", _temp.Combine("data"), "--plugins", _temp.Combine("plugins"), .. args]).InvokeAsync();

    private long CountExperiments()
    {
        using var connection = new SqliteConnection($"Data Source={_temp.Combine("data", "caption-boundaries.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Experiments";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task SynthTrainInferAndListWorkEndToEnd()
    {
        var dataset = _temp.Combine("data", "datasets", "cli");
        Assert.Equal(0, await Cli("dataset", "synth", dataset, "--samples-per-class", "4", "--width", "64", "--height", "48"));
        Assert.True(File.Exists(Path.Combine(dataset, "manifest.json")));

        Assert.Equal(0, await Cli("train", dataset, "--name", "cli-run", "-a", "tiny_test_cnn", "--epochs", "1", "--batch-size", "8",
            "--image-size", "32", "-m", "width=8"));
        Assert.Equal(1, CountExperiments());
        var best = Directory.EnumerateFiles(_temp.Combine("data", "experiments"), "best.pt", SearchOption.AllDirectories).Single();

        var predictions = _temp.Combine("predictions.jsonl");
        Assert.Equal(0, await Cli("infer", dataset, "--checkpoint", best, "--out", predictions));
        Assert.Equal(20, File.ReadAllLines(predictions).Length);

        Assert.Equal(0, await Cli("experiments", "list", "--architecture", "tiny_test_cnn"));
        Assert.Equal(0, await Cli("list-models"));
    }

    [Fact]
    public async Task BadArgumentsExitNonZeroAndStoreNothing()
    {
        var dataset = _temp.Combine("data", "datasets", "bad-args");
        Assert.Equal(0, await Cli("dataset", "synth", dataset, "--samples-per-class", "2", "--width", "64", "--height", "48"));

        Assert.Equal(CliErrors.BadInput, await Cli("train", dataset, "--name", "x", "-a", "tiny_test_cnn", "-m", "width"));
        Assert.Equal(CliErrors.BadInput, await Cli("train", dataset, "--name", "x", "-a", "tiny_test_cnn", "--batch-size", "0"));
        Assert.Equal(CliErrors.BadInput, await Cli("train", dataset, "--name", "x", "-a", "no_such_architecture"));
        Assert.Equal(CliErrors.BadInput, await Cli("train", _temp.Combine("missing"), "--name", "x", "-a", "tiny_test_cnn"));
        Assert.Equal(CliErrors.BadInput, await Cli("train", dataset, "--name", "x", "-a", "tiny_test_cnn", "--device", "tpu"));
        Assert.NotEqual(0, await Cli("train", dataset, "-a", "tiny_test_cnn")); // --name is required
        Assert.Equal(0, CountExperiments());

        // The dataset folder is not overwritten by a second synth.
        var manifest = File.ReadAllBytes(Path.Combine(dataset, "manifest.json"));
        Assert.Equal(CliErrors.BadInput, await Cli("dataset", "synth", dataset, "--seed", "99"));
        Assert.Equal(manifest, File.ReadAllBytes(Path.Combine(dataset, "manifest.json")));

        var corrupt = _temp.Combine("corrupt.pt");
        File.WriteAllText(corrupt, "not a checkpoint");
        Assert.Equal(CliErrors.BadInput, await Cli("infer", dataset, "--checkpoint", corrupt));
    }
}
