using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Mlflow;

/// <summary>
/// The MLflow REST API driven by a real MLflow client: the npm `mlflow` package (tests/mlflow-client, installed by
/// .ci/run with `npm ci`) in Debian's Node.js, against the server on a loopback port. The script creates an experiment
/// and a run, logs params, a batch of metrics and tags, uploads artifacts, registers a version and reads all of it back,
/// checking MLflow's response shapes and error codes; this test then checks the run natively.
/// </summary>
public sealed class MlflowNodeClientTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new ApiFactory { Slots = 1 }.ListenOnLoopback();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Npm_mlflow_client_logs_a_run_and_reads_everything_back()
    {
        using var admin = _factory.CreateClient(); // starts the server
        var researcher = await _factory.CreateUserTokenAsync("nora", Roles.Researcher);
        var viewer = await _factory.CreateUserTokenAsync("vic", Roles.Viewer);
        var checkpoint = CheckpointFactory.WriteTinyCnn(_factory.Services.GetRequiredService<PluginRegistry>(),
            Path.Combine(_factory.DataFolder, "node-client", "tiny.pt"), seed: 5);

        var folder = Path.Combine(TestPaths.RepoRoot(), "tests", "mlflow-client");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "mlflow")),
            $"The npm MLflow client is not installed: run `npm ci` in {folder} (.ci/run does).");
        var start = new ProcessStartInfo("node", "roundtrip.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MLFLOW_TRACKING_URI"] = _factory.BaseUrl;
        start.Environment["MLFLOW_TRACKING_TOKEN"] = researcher;
        start.Environment["CB_VIEWER_TOKEN"] = viewer;
        start.Environment["CB_CHECKPOINT"] = checkpoint;
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await node.WaitForExitAsync(deadline.Token);
        Assert.True(node.ExitCode == 0, $"node roundtrip.mjs exited {node.ExitCode}:\n{await stderr}\n{await stdout}");

        var result = JsonDocument.Parse((await stdout).Trim().Split('\n')[^1]).RootElement;
        var runId = Guid.Parse(result.GetProperty("runId").GetString()!);
        Assert.Equal(50, result.GetProperty("historyPoints").GetInt32());

        // The run is a first-class run here: stored as an external run of the token's account, with every point.
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var run = await db.Experiments.AsNoTracking().SingleAsync(e => e.Id == runId);
        Assert.Equal(Experiment.MlflowSource, run.Source);
        Assert.Equal("nora", run.Owner);
        Assert.Equal("node-run", run.Name);
        Assert.Equal(Domain.Tracking.ExperimentStatus.Completed, run.Status);
        Assert.Equal("Logged by the npm client.", run.Note);
        Assert.Equal(50 + 5 + 1, await db.RunMetrics.CountAsync(m => m.ExperimentId == runId));
        Assert.Equal(["batch_size", "lr", "optimizer"], await db.RunParams.Where(p => p.ExperimentId == runId).Select(p => p.Key).OrderBy(k => k).ToListAsync());
        Assert.Equal(2, await db.RunArtifacts.CountAsync(a => a.ExperimentId == runId));

        // The version registered through MLflow is a registry version like any other, with its alias.
        var model = result.GetProperty("model").GetString();
        using var response = await admin.GetAsync($"/api/models/{model}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, info.GetProperty("aliases").GetProperty("champion").GetInt32());
    }
}
