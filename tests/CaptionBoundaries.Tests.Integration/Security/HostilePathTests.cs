using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Security;

/// <summary>
/// Findings 2, 3 and 5 of issue 15: paths in requests. A viewer's predict with /dev/zero grew the server to 4.7 GB;
/// /etc/shadow and /no/such answered differently (a file-existence oracle); another researcher registered a private
/// model's stored checkpoint by its path. Accounts now reach only the datasets folder and the runs they may see,
/// after symbolic links are resolved, with one answer for "missing" and "not allowed".
/// </summary>
[Collection(AccessControlCollection.Name)]
public sealed class HostilePathTests(AccessControlFixture fx)
{
    private string Dataset => ApiRuns.Dataset(fx.Factory.DataFolder, "paths");

    private static object PredictBody(string image) => new
    {
        frame1 = image,
        frame2 = image,
        ocr_viz = image,
        spatial_features = new float[20],
    };

    private async Task<string> ServedModelAsync(string name)
    {
        using var admin = fx.Factory.CreateClient();
        var run = await ApiRuns.StartAsync(admin, Dataset, name + "-run");
        Assert.Equal("Completed", await ApiRuns.WaitFinishedAsync(admin, run));
        await ApiJson.Expect(await admin.PostAsJsonAsync($"/api/models/{name}/versions", new { experiment_id = run }), HttpStatusCode.Created);
        await ApiJson.Expect(await admin.PostAsJsonAsync($"/api/models/{name}/switch", new { version = 1 }), HttpStatusCode.OK);
        return run;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Send(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string FieldError(JsonElement problem, string field) =>
        string.Join(" ", problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()));

    [Fact]
    public async Task A_viewer_predicting_with_server_paths_gets_400_and_the_server_reads_nothing()
    {
        await ServedModelAsync("paths-zero");
        using var viewer = fx.Factory.CreateClient(fx.ViewerToken);
        var link = Path.Combine(Dataset, "zero-link.png");
        if (!File.Exists(link) && !Directory.Exists(link)) File.CreateSymbolicLink(link, "/dev/zero");
        var before = GC.GetTotalMemory(forceFullCollection: true);

        // Serving takes bytes, never paths: /dev/zero, a link to it, /proc and a real image of the dataset are all refused.
        var image = Path.Combine(Dataset, DatasetManifestSamples(Dataset)[0]);
        foreach (var path in new[] { "/dev/zero", link, "/proc/self/environ", image })
        {
            var (status, body) = await Send(viewer.PostAsJsonAsync("/api/models/paths-zero/predict", PredictBody(path)));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("The image must be its PNG or JPEG bytes, base64-encoded; server paths are not accepted.", FieldError(body, "frame1"));
        }
        Assert.True(GC.GetTotalMemory(forceFullCollection: true) - before < 256L * 1024 * 1024);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/models")).StatusCode);
    }

    [Fact]
    public async Task Whether_a_named_file_exists_changes_nothing_in_the_answer()
    {
        await ServedModelAsync("paths-oracle");
        using var viewer = fx.Factory.CreateClient(fx.ViewerToken);
        static string Answer(JsonElement problem) =>
            problem.TryGetProperty("errors", out var errors) ? errors.ToString() : problem.GetProperty("detail").GetString()!;
        // Each pair: a file that exists (readable or not) and one that does not, spelt alike. "/bin/cat" is valid base64
        // and so reaches the decoder as 6 bytes that are no image; the others are refused as not base64.
        foreach (var (existing, missing) in new[] { ("/etc/shadow", "/etc/shadoz"), ("/etc/hosts", "/etc/hostz"), ("/bin/cat", "/bin/cax") })
        {
            var (existingStatus, existingBody) = await Send(viewer.PostAsJsonAsync("/api/models/paths-oracle/predict", PredictBody(existing)));
            var (missingStatus, missingBody) = await Send(viewer.PostAsJsonAsync("/api/models/paths-oracle/predict", PredictBody(missing)));
            Assert.Equal(HttpStatusCode.BadRequest, existingStatus);
            Assert.Equal(existingStatus, missingStatus);
            Assert.Equal(Answer(missingBody), Answer(existingBody));
        }
    }

    [Fact]
    public async Task Image_bytes_predict_and_an_image_claiming_too_many_pixels_is_refused_before_decoding()
    {
        await ServedModelAsync("paths-ok");
        using var viewer = fx.Factory.CreateClient(fx.ViewerToken);
        var ok = await ApiJson.Expect(await viewer.PostAsJsonAsync("/api/models/paths-ok/predict", PredictBodies.Of(Dataset)), HttpStatusCode.OK);
        Assert.Equal(5, ok.GetProperty("probabilities").EnumerateObject().Count());

        // A 2 x 2 PNG whose header claims 8000 x 8000 pixels (192 MB decoded).
        var bomb = new CaptionBoundaries.Domain.Datasets.RgbImage(2, 2).EncodePng();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bomb.AsSpan(16), 8000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bomb.AsSpan(20), 8000);
        var body = PredictBodies.Of(Dataset);
        body["frame2"] = Convert.ToBase64String(bomb);
        var (status, problem) = await Send(viewer.PostAsJsonAsync("/api/models/paths-ok/predict", body));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("8000 x 8000", problem.GetProperty("detail").GetString());
        Assert.Contains("frame2", problem.GetProperty("detail").GetString());
    }

    private static string[] DatasetManifestSamples(string dataset) =>
        CaptionBoundaries.Domain.Datasets.DatasetManifest.Load(dataset).Samples.Select(s => s.Frame1).ToArray();

    [Fact]
    public async Task Another_researcher_cannot_take_a_private_model_or_run_by_its_path()
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        var run = await ApiRuns.StartAsync(bob, Dataset, "bobs-secret-run", isPrivate: true);
        Assert.Equal("Completed", await ApiRuns.WaitFinishedAsync(bob, run));
        await ApiJson.Expect(await bob.PostAsJsonAsync("/api/models/bobs-secret/versions", new { experiment_id = run }), HttpStatusCode.Created);
        await ApiJson.Expect(await bob.PutAsJsonAsync("/api/models/bobs-secret/visibility", new { @private = true }), HttpStatusCode.OK);
        var stored = Directory.GetFiles(Path.Combine(fx.Factory.DataFolder, "registry", "checkpoints"), "*.pt");
        var runBest = Path.Combine(fx.Factory.DataFolder, "experiments", Guid.Parse(run).ToString("N"), "best.pt");
        Assert.True(File.Exists(runBest));
        var before = await fx.StateFingerprintAsync();

        foreach (var path in stored.Append(runBest))
        {
            var (status, body) = await Send(carol.PostAsJsonAsync("/api/models/carols-copy/versions", new { checkpoint_path = path }));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("is not a file this server may read", FieldError(body, "checkpoint"));
            var (explainStatus, _) = await Send(carol.PostAsJsonAsync("/api/explain", new { dataset_folder = Dataset, checkpoint_path = path }));
            Assert.Equal(HttpStatusCode.BadRequest, explainStatus);
        }
        var resume = await carol.PostAsJsonAsync("/api/experiments", new Dictionary<string, object>
        {
            ["name"] = "resume-bobs",
            ["architecture"] = "tiny_test_cnn",
            ["dataset_folder"] = Dataset,
            ["epochs"] = 2,
            ["image_size"] = 32,
            ["batch_size"] = 8,
            ["resume_from"] = runBest,
        });
        Assert.Equal(HttpStatusCode.BadRequest, resume.StatusCode);
        Assert.Equal(before, await fx.StateFingerprintAsync());

        // The owner may still name his own run's checkpoint (and an admin anything under experiments/).
        await ApiJson.Expect(await bob.PostAsJsonAsync("/api/models/bobs-secret/versions", new { checkpoint_path = runBest }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Checkouts_and_dataset_reads_stay_under_the_datasets_folder()
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        using var admin = fx.Factory.CreateClient();
        await ApiJson.Expect(await admin.PostAsJsonAsync("/api/datasets/paths-ds/versions", new { folder = Dataset }), HttpStatusCode.Created);
        foreach (var target in new[] { "/tmp/cb-escape-" + Guid.NewGuid().ToString("N"), Path.Combine(fx.Factory.DataFolder, "registry", "x"), Path.Combine(fx.Factory.DataFolder, "datasets", "..", "y") })
        {
            var (status, body) = await Send(bob.PostAsJsonAsync("/api/datasets/paths-ds/versions/1/checkout", new { output_folder = target }));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("new folders go under", FieldError(body, "output"));
            Assert.False(Directory.Exists(target));
        }
        var inside = Path.Combine(fx.Factory.DataFolder, "datasets", "paths-checkout-" + Guid.NewGuid().ToString("N")[..6]);
        await ApiJson.Expect(await bob.PostAsJsonAsync("/api/datasets/paths-ds/versions/1/checkout", new { output_folder = inside }), HttpStatusCode.OK);
        Assert.True(File.Exists(Path.Combine(inside, "manifest.json")));

        // A dataset "folder" outside the datasets folder is not one, wherever it is.
        var (etcStatus, etc) = await Send(bob.PostAsJsonAsync("/api/datasets/etc/versions", new { folder = "/etc" }));
        Assert.Equal(HttpStatusCode.BadRequest, etcStatus);
    }

    [Fact]
    public async Task A_researcher_registers_a_file_of_their_own_by_uploading_it_and_nothing_is_left_staged()
    {
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        using var viewer = fx.Factory.CreateClient(fx.ViewerToken);
        using var elsewhere = new TempFolder("cb-upload");
        var plugins = fx.Factory.Services.GetRequiredService<CaptionBoundaries.Domain.Plugins.PluginRegistry>();
        var mine = CheckpointFactory.WriteTinyCnn(plugins, elsewhere.Combine("mine.pt"), 4);
        MultipartFormDataContent Form(byte[] bytes) => new() { { new ByteArrayContent(bytes), "file", "mine.pt" } };

        // A path on the caller's machine means nothing to the server; the bytes do.
        var (pathStatus, _) = await Send(carol.PostAsJsonAsync("/api/models/carols-upload/versions", new { checkpoint_path = mine }));
        Assert.Equal(HttpStatusCode.BadRequest, pathStatus);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/models/carols-upload/versions/upload", Form(File.ReadAllBytes(mine)))).StatusCode);
        var (garbageStatus, _) = await Send(carol.PostAsync("/api/models/carols-upload/versions/upload", Form([1, 2, 3, 4])));
        Assert.Equal(HttpStatusCode.BadRequest, garbageStatus);

        var version = await ApiJson.Expect(await carol.PostAsync("/api/models/carols-upload/versions/upload", Form(File.ReadAllBytes(mine))), HttpStatusCode.Created);
        Assert.Equal(CaptionBoundaries.Domain.Checkpoints.CheckpointFile.FileSha256(mine), version.GetProperty("sha256").GetString());
        var staging = Path.Combine(fx.Factory.DataFolder, "uploads");
        Assert.Empty(Directory.Exists(staging) ? Directory.GetFiles(staging) : []);
    }
}
