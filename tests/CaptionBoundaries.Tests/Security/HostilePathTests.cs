using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Tests.Support;

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
        frame1 = image, frame2 = image, ocr_viz = image, spatial_features = new float[20],
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
    public async Task A_viewer_predicting_from_dev_zero_or_a_link_to_it_gets_400_and_the_server_reads_nothing()
    {
        await ServedModelAsync("paths-zero");
        using var viewer = fx.Factory.CreateClient(fx.ViewerToken);
        var link = Path.Combine(Dataset, "zero-link.png");
        if (!File.Exists(link) && !Directory.Exists(link)) File.CreateSymbolicLink(link, "/dev/zero");
        var before = GC.GetTotalMemory(forceFullCollection: true);

        foreach (var path in new[] { "/dev/zero", link, "/proc/self/environ" })
        {
            var (status, body) = await Send(viewer.PostAsJsonAsync("/api/models/paths-zero/predict", PredictBody(path)));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("is not a file this server may read", FieldError(body, "frame1"));
        }
        // The refusals come before anything is read: the managed heap did not take the 4.7 GB of the finding.
        Assert.True(GC.GetTotalMemory(forceFullCollection: true) - before < 256L * 1024 * 1024);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/models")).StatusCode);
    }

    [Fact]
    public async Task A_missing_file_and_a_forbidden_one_get_the_same_answer()
    {
        await ServedModelAsync("paths-oracle");
        using var viewer = fx.Factory.CreateClient(fx.ViewerToken);
        var (shadowStatus, shadow) = await Send(viewer.PostAsJsonAsync("/api/models/paths-oracle/predict", PredictBody("/etc/shadow")));
        var (missingStatus, missing) = await Send(viewer.PostAsJsonAsync("/api/models/paths-oracle/predict", PredictBody("/no/such")));
        var (hostsStatus, hosts) = await Send(viewer.PostAsJsonAsync("/api/models/paths-oracle/predict", PredictBody("/etc/hosts")));
        Assert.Equal(HttpStatusCode.BadRequest, shadowStatus);
        Assert.Equal(shadowStatus, missingStatus);
        Assert.Equal(shadowStatus, hostsStatus);
        // Word for word the same but for the path itself.
        Assert.Equal(FieldError(missing, "frame1").Replace("/no/such", "P"), FieldError(shadow, "frame1").Replace("/etc/shadow", "P"));
        Assert.Equal(FieldError(missing, "frame1").Replace("/no/such", "P"), FieldError(hosts, "frame1").Replace("/etc/hosts", "P"));
    }

    [Fact]
    public async Task An_image_inside_the_datasets_folder_still_predicts_and_an_oversized_one_is_413()
    {
        await ServedModelAsync("paths-ok");
        using var viewer = fx.Factory.CreateClient(fx.ViewerToken);
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dataset, "manifest.json"))).RootElement;
        var sample = manifest.GetProperty("samples")[0];
        string Image(string field) => Path.Combine(Dataset, sample.GetProperty(field).GetString()!);
        var ok = await ApiJson.Expect(await viewer.PostAsJsonAsync("/api/models/paths-ok/predict", new
        {
            frame1 = Image("frame1"), frame2 = Image("frame2"), ocr_viz = Image("ocr_viz"), spatial_features = new float[20],
        }), HttpStatusCode.OK);
        Assert.Equal(5, ok.GetProperty("probabilities").EnumerateObject().Count());

        // A sparse 40 MB file under the datasets folder: allowed by place, refused by size before it is read whole.
        var big = Path.Combine(Dataset, "big.png");
        using (var f = File.Create(big)) f.SetLength(40L * 1024 * 1024);
        var (status, body) = await Send(viewer.PostAsJsonAsync("/api/models/paths-ok/predict", PredictBody(big)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("at most", body.GetProperty("detail").GetString());
    }

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
            ["name"] = "resume-bobs", ["architecture"] = "tiny_test_cnn", ["dataset_folder"] = Dataset, ["epochs"] = 2,
            ["image_size"] = 32, ["batch_size"] = 8, ["resume_from"] = runBest,
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
        var plugins = fx.Factory.Services.GetRequiredService<CaptionBoundaries.Application.Plugins.PluginRegistry>();
        var mine = CheckpointFactory.WriteTinyCnn(plugins, elsewhere.Combine("mine.pt"), 4);
        MultipartFormDataContent Form(byte[] bytes) => new() { { new ByteArrayContent(bytes), "file", "mine.pt" } };

        // A path on the caller's machine means nothing to the server; the bytes do.
        var (pathStatus, _) = await Send(carol.PostAsJsonAsync("/api/models/carols-upload/versions", new { checkpoint_path = mine }));
        Assert.Equal(HttpStatusCode.BadRequest, pathStatus);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/models/carols-upload/versions/upload", Form(File.ReadAllBytes(mine)))).StatusCode);
        var (garbageStatus, _) = await Send(carol.PostAsync("/api/models/carols-upload/versions/upload", Form([1, 2, 3, 4])));
        Assert.Equal(HttpStatusCode.BadRequest, garbageStatus);

        var version = await ApiJson.Expect(await carol.PostAsync("/api/models/carols-upload/versions/upload", Form(File.ReadAllBytes(mine))), HttpStatusCode.Created);
        Assert.Equal(CaptionBoundaries.Application.Checkpoints.CheckpointFile.FileSha256(mine), version.GetProperty("sha256").GetString());
        var staging = Path.Combine(fx.Factory.DataFolder, "uploads");
        Assert.Empty(Directory.Exists(staging) ? Directory.GetFiles(staging) : []);
    }
}
