using System.Text.Json;

namespace CaptionBoundaries.Tests.Api;

/// <summary>
/// The OpenAPI document (/openapi/v1.json) lists, for each operation, the errors it can answer, so a client generated
/// from it knows a 404 or a 409 is a possible answer and what its body is (problem details; a validation problem for 400).
/// </summary>
public sealed class OpenApiDocumentTests(OpenApiDocumentTests.Document document) : IClassFixture<OpenApiDocumentTests.Document>
{
    /// <summary>The document as one server serves it, fetched once for every case.</summary>
    public sealed class Document : IAsyncLifetime
    {
        private readonly ApiFactory _factory = new();

        public JsonElement Paths { get; private set; }

        public async Task InitializeAsync()
        {
            using var client = _factory.CreateClient();
            Paths = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths").Clone();
        }

        public async Task DisposeAsync() => await _factory.DisposeAsync();
    }

    private JsonElement Paths => document.Paths;

    [Theory]
    [InlineData("/api/experiments", "post", "202", new[] { "400", "401", "403", "429" })]
    [InlineData("/api/experiments/{id}/preempt", "post", "200", new[] { "400", "401", "403", "404", "409" })]
    [InlineData("/api/models/{model}", "get", "200", new[] { "400", "401", "404" })]
    [InlineData("/api/models/{model}/predict", "post", "200", new[] { "400", "401", "404", "413", "415", "503" })]
    [InlineData("/api/models/{model}/versions", "post", "201", new[] { "400", "401", "403", "404" })]
    [InlineData("/api/models/{model}/switch", "post", "200", new[] { "400", "403", "404", "409" })]
    [InlineData("/api/models/{model}/split", "put", "200", new[] { "400", "403", "404", "409" })]
    [InlineData("/api/webhooks/deliveries/{id}/redeliver", "post", "200", new[] { "403", "404", "409" })]
    public void AnOperationListsTheErrorsItCanAnswer(string path, string method, string success, string[] errors)
    {
        var responses = Responses(path, method);
        Assert.Contains(success, responses.Keys);
        foreach (var status in errors)
        {
            Assert.True(responses.TryGetValue(status, out var response), $"{method} {path} does not list {status}; it lists {string.Join(", ", responses.Keys)}");
            var content = response.GetProperty("content");
            Assert.True(content.TryGetProperty("application/problem+json", out var problem), $"{method} {path} {status} is not problem details: {content}");
            var schema = problem.GetProperty("schema").GetProperty("$ref").GetString();
            Assert.EndsWith(status == "400" ? "/HttpValidationProblemDetails" : "/ProblemDetails", schema);
        }
    }

    [Fact]
    public void AnOperationListsNoErrorItCannotAnswer()
    {
        // Listing experiments is open to every role and names no single thing: no 403, no 404.
        var responses = Responses("/api/experiments", "get");
        Assert.DoesNotContain("403", responses.Keys);
        Assert.DoesNotContain("404", responses.Keys);
        // The anonymous health probe needs no account.
        Assert.DoesNotContain("401", Responses("/api/health", "get").Keys);
    }

    [Fact]
    public void TheInferenceProtocolListsItsOwnErrorShape()
    {
        var responses = Responses("/v2/models/{model}/infer", "post");
        foreach (var status in new[] { "400", "404", "413", "503" })
        {
            Assert.True(responses.TryGetValue(status, out var response), $"infer does not list {status}");
            Assert.EndsWith("/Error", response.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        }
    }

    private Dictionary<string, JsonElement> Responses(string path, string method)
    {
        Assert.True(Paths.TryGetProperty(path, out var item), $"the document has no path {path}");
        Assert.True(item.TryGetProperty(method, out var operation), $"{path} has no {method}");
        return operation.GetProperty("responses").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
    }
}
