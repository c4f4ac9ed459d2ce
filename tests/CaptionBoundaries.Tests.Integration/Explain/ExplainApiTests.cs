using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Explain;

/// <summary>The explain endpoints over the real server: a run trained through the API, then its cells and samples explained.</summary>
public sealed class ExplainApiTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();
    private HttpClient _client = null!;
    private string _dataset = null!;

    public async Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        _dataset = Path.Combine(_factory.DataFolder, "datasets", "explain");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = _dataset,
            SamplesPerClass = 4,
            Seed = 21,
            Width = 64,
            Height = 48,
        });
        await Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<Guid> TrainedRun()
    {
        var started = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/experiments", new
        {
            name = "explained",
            dataset_folder = _dataset,
            architecture = "tiny_test_cnn",
            epochs = 1,
            batch_size = 8,
            image_size = 32,
            model_config = new Dictionary<string, string> { ["width"] = "8" },
        }), HttpStatusCode.Accepted);
        var id = started.GetProperty("id").GetGuid();
        for (var i = 0; i < 600; i++)
        {
            var info = await ApiJson.Expect(await _client.GetAsync($"/api/experiments/{id}"), HttpStatusCode.OK);
            var phase = info.GetProperty("phase").ToString();
            if (phase is "Completed") return id;
            Assert.False(phase is "Failed" or "Cancelled", info.ToString());
            await Task.Delay(100);
        }
        throw new TimeoutException("The run did not finish.");
    }

    private static void AssertPng(JsonElement base64, int size)
    {
        var image = RgbImage.Decode(Convert.FromBase64String(base64.GetString()!));
        Assert.Equal((size, size), (image.Width, image.Height));
    }

    [Fact]
    public async Task Confusion_cells_and_single_samples_of_a_run_come_with_overlays()
    {
        var id = await TrainedRun();

        var cells = new List<JsonElement>();
        foreach (var trueClass in new[] { "same", "different", "empty_empty", "empty_valid", "valid_empty" })
        {
            foreach (var predicted in new[] { "same", "different", "empty_empty", "empty_valid", "valid_empty" })
                cells.Add(await ApiJson.Expect(await _client.GetAsync($"/api/experiments/{id}/confusion/{trueClass}/{predicted}?take=32"), HttpStatusCode.OK));
        }
        // 4 samples per class, a quarter of them held out: every validation sample sits in exactly one cell.
        var validation = cells[0].GetProperty("checkpoint").GetProperty("validation_samples").GetInt32();
        Assert.Equal(validation, cells.Sum(c => c.GetProperty("total").GetInt32()));
        var sample = cells.SelectMany(c => c.GetProperty("samples").EnumerateArray()).First();
        var map = sample.GetProperty("maps").EnumerateArray().First();
        Assert.Equal("grad_cam", map.GetProperty("method").GetString());
        AssertPng(map.GetProperty("image_png"), 32);
        AssertPng(map.GetProperty("overlay_png"), 32);

        // Asked again (a reload, another viewer), every cell is answered from memory: nothing is recomputed.
        var gate = _factory.Services.GetRequiredService<CaptionBoundaries.Domain.Common.ExpensiveReads>();
        var computed = gate.Computed;
        var again = await ApiJson.Expect(await _client.GetAsync($"/api/experiments/{id}/confusion/same/same?take=32"), HttpStatusCode.OK);
        Assert.Equal(cells[0].GetProperty("total").GetInt32(), again.GetProperty("total").GetInt32());
        Assert.Equal(computed, gate.Computed);

        var one = await ApiJson.Expect(await _client.GetAsync($"/api/experiments/{id:N}/explain?sample=0&target=true"), HttpStatusCode.OK);
        Assert.Equal(0, one.GetProperty("sample").GetProperty("validation_index").GetInt32());
        Assert.Equal(one.GetProperty("sample").GetProperty("true_class").GetString(), one.GetProperty("sample").GetProperty("explained_class").GetString());

        var badClass = await ApiJson.Expect(await _client.GetAsync($"/api/experiments/{id}/confusion/same/nope"), HttpStatusCode.BadRequest);
        Assert.True(badClass.GetProperty("errors").TryGetProperty("predicted_class", out _), badClass.ToString());
        await ApiJson.Expect(await _client.GetAsync($"/api/experiments/{Guid.NewGuid()}/confusion/same/same"), HttpStatusCode.NotFound);
        await ApiJson.Expect(await _client.GetAsync($"/api/experiments/{id}/explain?sample=999"), HttpStatusCode.BadRequest);

        // Any checkpoint file and dataset folder, as `caption-boundaries explain` does.
        var checkpoint = Directory.EnumerateFiles(Path.Combine(_factory.DataFolder, "experiments"), "best.pt", SearchOption.AllDirectories).Single();
        var explained = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/explain", new
        {
            dataset_folder = _dataset,
            checkpoint_path = checkpoint,
            split = "all",
            limit = 2,
        }), HttpStatusCode.OK);
        Assert.Equal("tiny_test_cnn", explained.GetProperty("architecture_name").GetString());
        Assert.Equal(2, explained.GetProperty("samples").GetArrayLength());
        Assert.NotEmpty(explained.GetProperty("notes").EnumerateArray());
        foreach (var s in explained.GetProperty("samples").EnumerateArray())
        {
            Assert.Equal(3, s.GetProperty("maps").GetArrayLength());
            foreach (var m in s.GetProperty("maps").EnumerateArray()) AssertPng(m.GetProperty("overlay_png"), 32);
        }

        var badRequest = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/explain", new
        {
            dataset_folder = _dataset,
            checkpoint_path = "/no/such.pt",
            target = "everything",
        }), HttpStatusCode.BadRequest);
        Assert.True(badRequest.GetProperty("errors").TryGetProperty("checkpoint", out _));
        Assert.True(badRequest.GetProperty("errors").TryGetProperty("target", out _));
    }
}
