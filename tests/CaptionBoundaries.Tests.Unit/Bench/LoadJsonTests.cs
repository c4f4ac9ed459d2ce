using System.Text;
using System.Text.Json;
using CaptionBoundaries.Bench.Asha;
using CaptionBoundaries.Bench.Load;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Bench;

/// <summary>
/// The load client serializes with its own options (the bench project cannot reference the host's client): they must
/// write exactly what the CLI's ServerApiClient writes, so `bench load` sends the bodies the server reads.
/// </summary>
public sealed class LoadJsonTests
{
    [Fact]
    public void PredictBodiesAreTheBytesTheCliClientWouldSend()
    {
        using var folder = new TempFolder("cb-load-json");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = folder.Combine("d"), SamplesPerClass = 2, Seed = 3, Width = 64, Height = 48 });
        var bodies = MonitorSimulation.Prepare(folder.Combine("d"), new SimulationOptions { Count = 6, Seed = 1 }, out var cleanup);
        cleanup();

        var ours = LoadGenerator.Serialize(bodies);
        Assert.Equal(bodies.Select(b => JsonSerializer.SerializeToUtf8Bytes(b, ServerApiClient.Json)), ours);
        Assert.All(ours, body => Assert.Contains("\"spatial_features\":", Encoding.UTF8.GetString(body)));
    }

    [Fact]
    public void NamesEnumsAndNullsAreWrittenAsTheCliClientWritesThem()
    {
        var value = new { Protocol = LoadProtocol.V2, Reached = new TargetReached(4, 2, 3, 0.5), Missing = (string?)null };
        var json = JsonSerializer.Serialize(value, LoadJson.Options);
        Assert.Equal(JsonSerializer.Serialize(value, ServerApiClient.Json), json);
        Assert.Equal("""{"protocol":"V2","reached":{"epochs_spent":4,"trial":2,"epoch":3,"metric":0.5},"missing":null}""", json);
    }
}
