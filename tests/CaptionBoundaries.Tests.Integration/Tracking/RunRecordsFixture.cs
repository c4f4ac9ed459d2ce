using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Tracking;

/// <summary>One server (uploads capped at 1 MB) with a viewer (vera) and two researchers (bob, carol).</summary>
public sealed class RunRecordsFixture : IAsyncLifetime
{
    public ApiFactory Factory { get; } = new() { Slots = 1, Settings = { ["Security:MaxUploadMegabytes"] = "1" } };
    public HttpClient Admin { get; private set; } = default!;
    public HttpClient Vera { get; private set; } = default!;
    public HttpClient Bob { get; private set; } = default!;
    public HttpClient Carol { get; private set; } = default!;
    public string BobToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Admin = Factory.CreateClient();
        Vera = Factory.CreateClient(await Factory.CreateUserTokenAsync("vera", Roles.Viewer));
        BobToken = await Factory.CreateUserTokenAsync("bob", Roles.Researcher);
        Bob = Factory.CreateClient(BobToken);
        Carol = Factory.CreateClient(await Factory.CreateUserTokenAsync("carol", Roles.Researcher));
    }

    public IServiceProvider Services => Factory.Services;

    /// <summary>
    /// A request as bob whose path reaches the server exactly as written, percent escapes decoded as the server decodes
    /// them: a client would resolve "../" itself, and Kestrel removes dot segments before routing.
    /// </summary>
    public async Task<(int Status, string Body)> SendRawAsBobAsync(string method, string rawPath, string? body = null)
    {
        var context = await Factory.Server.SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = PathString.FromUriComponent(rawPath);
            c.Request.Headers.Authorization = "Bearer " + BobToken;
            if (body is not null)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(body);
                c.Request.Body = new MemoryStream(bytes);
                c.Request.ContentLength = bytes.Length;
                c.Request.ContentType = "application/octet-stream";
            }
        });
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    /// <summary>Artifact rows, tags and notes of a run, and the blobs and staged uploads on disk: to prove a refusal stored nothing.</summary>
    public async Task<string> RecordsOfAsync(Guid runId)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var artifacts = await db.RunArtifacts.Where(a => a.ExperimentId == runId).OrderBy(a => a.Path).Select(a => a.Path + ":" + a.Sha256).ToListAsync();
        var tags = await db.RunTags.Where(t => t.ExperimentId == runId).OrderBy(t => t.Key).Select(t => t.Key + "=" + t.Value).ToListAsync();
        var note = await db.Experiments.Where(e => e.Id == runId).Select(e => e.Note).SingleAsync();
        return $"artifacts [{string.Join(",", artifacts)}] tags [{string.Join(",", tags)}] note [{note}] blobs {BlobCount()} staged {StagedCount()}";
    }

    public int BlobCount()
    {
        var root = Factory.Services.GetRequiredService<BlobStore>().Root;
        return Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Count(f => !Path.GetRelativePath(root, f).StartsWith(BlobStore.TempFolderName + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            : 0;
    }

    public int StagedCount()
    {
        var staging = Path.Combine(Factory.DataFolder, "uploads");
        return Directory.Exists(staging) ? Directory.GetFiles(staging).Length : 0;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in new[] { Admin, Vera, Bob, Carol }) client?.Dispose();
        await Factory.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RunRecordsCollection : ICollectionFixture<RunRecordsFixture>
{
    public const string Name = "run-records";
}
