using Bunit;
using CaptionBoundaries.Application.Features.DatasetVersions;
using CaptionBoundaries.Ui.Datasets;

namespace CaptionBoundaries.Tests.Ui;

public sealed class DatasetVersionsTableTests : IDisposable
{
    private readonly UiTestContext _ctx = new();

    public void Dispose() => _ctx.Dispose();

    private static DatasetVersionSummary Version(int number, int blobs, int newBlobs, string message) =>
        new(Guid.NewGuid(), "captions", number, new string((char)('a' + number), 64), new string('f', 64), new DateTime(2026, 11, 24, 7, number, 0),
            null, message, "/data/in", 100, new Dictionary<string, IReadOnlyDictionary<string, int>>(), blobs, newBlobs, 2_700_000);

    [Fact]
    public void Recorded_versions_are_listed_with_their_new_blobs()
    {
        _ctx.Sender.On<ListDatasetVersionsQuery, IReadOnlyList<DatasetVersionSummary>>(_ =>
            [Version(2, 282, 1, "one frame changed"), Version(1, 282, 281, "first")]);

        var table = _ctx.Render<DatasetVersionsTable>();

        var rows = table.FindAll("#dataset-versions tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("282 (1)", rows[0].TextContent);
        Assert.Contains("one frame changed", rows[0].TextContent);
        Assert.Contains("282 (281)", rows[1].TextContent);
        Assert.Single(_ctx.Sender.SentOf<ListDatasetVersionsQuery>());
    }

    [Fact]
    public void No_versions_says_how_to_record_one()
    {
        _ctx.Sender.On<ListDatasetVersionsQuery, IReadOnlyList<DatasetVersionSummary>>(_ => []);
        var table = _ctx.Render<DatasetVersionsTable>();
        Assert.Contains("dataset version create", table.Markup);
    }
}
