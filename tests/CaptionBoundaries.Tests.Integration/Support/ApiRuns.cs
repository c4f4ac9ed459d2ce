using System.Net;
using System.Net.Http.Json;
using CaptionBoundaries.Domain.Datasets;

namespace CaptionBoundaries.Tests.Support;

/// <summary>Small runs through the HTTP API, for tests that need a run (and its checkpoints) owned by an account.</summary>
public static class ApiRuns
{
    /// <summary>A tiny synthetic dataset under the server's datasets folder (made once per name).</summary>
    public static string Dataset(string dataFolder, string name)
    {
        var folder = Path.Combine(dataFolder, "datasets", name);
        if (!File.Exists(Path.Combine(folder, "manifest.json")))
            SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = folder, SamplesPerClass = 4, Seed = 9, Width = 64, Height = 48 });
        return folder;
    }

    public static async Task<string> StartAsync(HttpClient client, string dataset, string name, bool isPrivate = false, int epochs = 1)
    {
        var response = await client.PostAsJsonAsync("/api/experiments", new Dictionary<string, object>
        {
            ["name"] = name,
            ["architecture"] = "tiny_test_cnn",
            ["dataset_folder"] = dataset,
            ["epochs"] = epochs,
            ["image_size"] = 32,
            ["batch_size"] = 8,
            ["private"] = isPrivate,
        });
        return (await ApiJson.Expect(response, HttpStatusCode.Accepted)).GetProperty("id").GetString()!;
    }

    public static async Task<string> WaitFinishedAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            var info = await ApiJson.Expect(await client.GetAsync($"/api/experiments/{id}"), HttpStatusCode.OK);
            var phase = info.GetProperty("phase").GetString()!;
            if (phase is "Completed" or "Failed" or "Cancelled") return phase;
            await Task.Delay(100);
        }
        throw new TimeoutException($"experiment {id} did not finish");
    }
}
