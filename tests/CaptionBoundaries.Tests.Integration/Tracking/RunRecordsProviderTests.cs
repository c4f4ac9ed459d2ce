using System.Text;
using CaptionBoundaries.Application.Features.Architectures;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Reports;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Tracking;

/// <summary>The queries behind tags, series, filters, architectures and exports on each database the server supports.</summary>
public sealed class RunRecordsProviderTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Tags_filters_series_architectures_and_exports_work_on_the_database(string provider)
    {
        await using var host = await AppHost.StartAsync(provider);
        var native = await TrackedRuns.NativeAsync(host.Services, "Native-Alpha", "bob", valF1: [0.5, 0.7]);
        var other = await TrackedRuns.NativeAsync(host.Services, "beta 100%_x", "carol", valF1: [0.9]);
        var external = await TrackedRuns.ExternalAsync(host.Services, "logged-alpha", "carol",
            new Dictionary<string, double[]> { ["loss"] = Enumerable.Range(0, 300).Select(i => 1.0 / (i + 1)).ToArray() },
            new Dictionary<string, string> { ["optimizer"] = "adam" });

        await host.SendAsync(new SetRunTagCommand(native, "stage", "final"));
        await host.SendAsync(new SetRunTagCommand(native, "stage", "final-2"));
        await host.SendAsync(new SetRunTagCommand(external, "stage", "draft"));
        await host.SendAsync(new SetRunNoteCommand(native, "kept"));

        async Task<List<string>> Names(ListExperimentsQuery q) => (await host.SendAsync(q)).Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Native-Alpha", "logged-alpha"], await Names(new ListExperimentsQuery { Tags = ["stage"] }));
        Assert.Equal(["Native-Alpha"], await Names(new ListExperimentsQuery { Tags = ["stage=final-2"] }));
        Assert.Equal(["Native-Alpha", "logged-alpha"], await Names(new ListExperimentsQuery { NameContains = "ALPHA" }));
        // LIKE wildcards in the search are plain characters.
        Assert.Equal(["beta 100%_x"], await Names(new ListExperimentsQuery { NameContains = "100%_" }));
        Assert.Empty(await Names(new ListExperimentsQuery { NameContains = "%" + "z" }));
        var listed = (await host.SendAsync(new ListExperimentsQuery { Tags = ["stage=final-2"] })).Single();
        Assert.Equal(("bob", "native", 90.0), (listed.Owner, listed.Source, listed.DurationSeconds!.Value));

        var detail = await host.SendAsync(new GetExperimentDetailQuery(external.ToString("N")) { MaxPointsPerSeries = 100 });
        Assert.Equal(300, detail.MetricSeries.Single().TotalPoints);
        Assert.Equal(1.0 / 300, detail.MetricSeries.Single().Points[^1].Value, 12);
        Assert.Equal("adam", detail.Params["optimizer"]);

        var architectures = await host.SendAsync(new CompareArchitecturesQuery());
        var tiny = architectures.Single(a => a.Architecture == "tiny_test_cnn");
        Assert.Equal((2, 0.8, 0.9), (tiny.CompletedRuns, tiny.MeanBestValMacroF1!.Value, tiny.BestValMacroF1!.Value));
        Assert.Equal(other, tiny.BestRunId);

        var csv = CsvText.Parse(Encoding.UTF8.GetString((await host.SendAsync(new ExportRunReportQuery(external.ToString("N")[..8], "csv"))).Content));
        Assert.Equal(301, csv.Count);
        Assert.Equal("kept", (await host.SendAsync(new GetExperimentDetailQuery(native.ToString("N")))).Note);
        await host.SendAsync(new DeleteRunTagCommand(native, "stage"));
        Assert.Equal(["logged-alpha"], await Names(new ListExperimentsQuery { Tags = ["stage"] }));
    }
}
