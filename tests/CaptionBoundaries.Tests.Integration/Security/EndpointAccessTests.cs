using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Security;

/// <summary>
/// Every API endpoint the server maps (found from its routing table, so a new endpoint is covered without editing
/// this test), tried with no token, an expired token and a viewer's token: refused with 401/403, and nothing stored changes.
/// </summary>
[Collection(AccessControlCollection.Name)]
public sealed class EndpointAccessTests(AccessControlFixture fx)
{
    /// <summary>Writes a viewer may make: serving predictions and managing their own tokens.</summary>
    private static readonly HashSet<string> ViewerWrites = ["POST /api/models/{model}/predict", "POST /api/models/{model}/predict/batch", "POST /api/tokens", "DELETE /api/tokens/{id:guid}"];

    /// <summary>Reads that need more than the viewer role.</summary>
    private static readonly HashSet<string> AdminReads = ["GET /api/users", "GET /api/audit", "GET /api/configuration", "GET /api/webhooks/deliveries"];

    private static readonly HashSet<string> Open = ["GET /api/health"];

    /// <summary>MLflow's searches are POSTs that change nothing (its REST reference defines them so): reads.</summary>
    public static readonly HashSet<string> PostReads =
        ["POST /api/2.0/mlflow/experiments/search", "POST /api/2.0/mlflow/runs/search", "POST /api/2.0/mlflow/registered-models/search"];

    public static IReadOnlyList<(string Method, string Pattern)> Endpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText!.TrimEnd('/'))))
            .Distinct().OrderBy(e => e.Item2).ThenBy(e => e.Item1).ToList();

    /// <summary>A concrete URL for a route pattern: parameters get harmless values of the right shape.</summary>
    public static string UrlOf(string pattern) =>
        "/" + string.Join("/", RoutePatternFactory.Parse(pattern).PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart p when p.ParameterPolicies.Any(x => x.Content == "guid") => Guid.NewGuid().ToString(),
            RoutePatternParameterPart p when p.ParameterPolicies.Any(x => x.Content is "int" or "long") => "1",
            RoutePatternParameterPart p => p.Name + "-x",
            _ => "",
        }))));

    private async Task<List<string>> Violations(string? token, Func<string, HttpStatusCode?> expected)
    {
        using var client = fx.Factory.CreateClient(token);
        var violations = new List<string>();
        foreach (var (method, pattern) in Endpoints(fx.Factory.Services))
        {
            var key = $"{method} {pattern}";
            if (expected(key) is not { } status) continue;
            using var request = new HttpRequestMessage(new HttpMethod(method), UrlOf(pattern));
            if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent(WellFormedBody, Encoding.UTF8, "application/json");
            using var response = await client.SendAsync(request);
            if (response.StatusCode != status) violations.Add($"{key}: {(int)response.StatusCode}, expected {(int)status}");
        }
        return violations;
    }

    // Well formed for every body type (unknown members are ignored): a refusal must come from who asks, not from the body.
    private const string WellFormedBody = """{ "name": "x", "dataset_folder": "x", "architecture": "x" }""";

    private static bool IsWrite(string key) => !key.StartsWith("GET ", StringComparison.Ordinal) && !PostReads.Contains(key);

    [Fact]
    public void The_sweep_covers_the_api()
    {
        var endpoints = Endpoints(fx.Factory.Services);
        Assert.True(endpoints.Count > 40, $"only {endpoints.Count} endpoints found");
        Assert.Contains(("POST", "/api/experiments"), endpoints);
        Assert.Contains(("POST", "/api/models/{model}/switch"), endpoints);
    }

    [Fact]
    public async Task Without_a_token_every_endpoint_but_health_is_401_and_nothing_changes()
    {
        var before = await fx.StateFingerprintAsync();
        var violations = await Violations(null, key => Open.Contains(key) ? null : HttpStatusCode.Unauthorized);
        Assert.Empty(violations);
        Assert.Equal(before, await fx.StateFingerprintAsync());
    }

    [Fact]
    public async Task An_expired_token_is_401_everywhere_and_nothing_changes()
    {
        var before = await fx.StateFingerprintAsync();
        var violations = await Violations(fx.ExpiredToken, key => Open.Contains(key) ? null : HttpStatusCode.Unauthorized);
        Assert.Empty(violations);
        Assert.Equal(before, await fx.StateFingerprintAsync());
    }

    [Fact]
    public async Task A_malformed_or_unknown_token_is_401()
    {
        using var client = fx.Factory.CreateClient("cbt_not-a-real-token");
        var response = await client.GetAsync("/api/experiments");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("unknown token", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_viewer_can_read_but_every_write_and_every_admin_read_is_403_and_nothing_changes()
    {
        var before = await fx.StateFingerprintAsync();
        var violations = await Violations(fx.ViewerToken, key =>
            Open.Contains(key) || ViewerWrites.Contains(key) ? null
            : IsWrite(key) || AdminReads.Contains(key) ? HttpStatusCode.Forbidden
            : null);
        Assert.Empty(violations);
        Assert.Equal(before, await fx.StateFingerprintAsync());

        using var viewer = fx.Factory.CreateClient(fx.ViewerToken);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/experiments")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/architectures")).StatusCode);
    }
}

[CollectionDefinition(Name)]
public sealed class AccessControlCollection : ICollectionFixture<AccessControlFixture>
{
    public const string Name = "access-control";
}
