using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CaptionBoundaries.Domain.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Tests.Api;

/// <summary>
/// The edge maps each error type explicitly: a <see cref="DomainException"/> gets its kind's status, and a framework
/// exception from our own code (a bug) is a logged 500, never a 404 or 400 that would blame the caller.
/// </summary>
public sealed class ErrorMappingTests(ErrorMappingTests.Server server) : IClassFixture<ErrorMappingTests.Server>
{
    /// <summary>One server for every case, with the throwing routes and a capture of what it logs as errors.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public CapturedErrors Logged { get; } = new();
        public ApiFactory Factory { get; }
        public HttpClient Client { get; private set; } = null!;

        public Server() => Factory = new ApiFactory
        {
            ExtraServices = services =>
            {
                services.AddTransient<IStartupFilter, ThrowingRoutes>();
                services.AddSingleton<ILoggerProvider>(Logged);
            },
        };

        public Task InitializeAsync()
        {
            Client = Factory.CreateClient();
            return Task.CompletedTask;
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    private HttpClient Client => server.Client;
    private CapturedErrors Logged => server.Logged;

    [Theory]
    [InlineData("key-not-found")]
    [InlineData("argument")]
    [InlineData("not-supported")]
    [InlineData("file-not-found")]
    public async Task AFrameworkExceptionIsAServerErrorAndIsLogged(string kind)
    {
        var response = await Client.GetAsync($"/throw/{kind}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Not found.", body);
        Assert.DoesNotContain(ThrowingRoutes.Secret, body);
        Assert.Contains(Logged.Errors, e => e.Message.Contains($"{ThrowingRoutes.Secret} ({kind})"));
    }

    [Theory]
    [InlineData("domain-not-found", HttpStatusCode.NotFound, "Not found.")]
    [InlineData("domain-invalid", HttpStatusCode.BadRequest, "The request cannot be processed.")]
    [InlineData("domain-conflict", HttpStatusCode.Conflict, "The request conflicts with the current state.")]
    public async Task ADomainErrorGetsItsKindsStatus(string kind, HttpStatusCode status, string title)
    {
        var response = await Client.GetAsync($"/throw/{kind}");

        Assert.Equal(status, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(ThrowingRoutes.Secret, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnInvalidFieldIsNamedLikeAValidationError()
    {
        var response = await Client.GetAsync("/throw/domain-invalid-field");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("The request is invalid.", problem.GetProperty("title").GetString());
        Assert.Equal(ThrowingRoutes.Secret, problem.GetProperty("errors").GetProperty("dataset")[0].GetString());
    }

    /// <summary>
    /// Paths under /throw that no endpoint claims reach this middleware, inside the server's pipeline (after its
    /// exception handler), where it throws what the path names, as a handler would.
    /// </summary>
    private sealed class ThrowingRoutes : IStartupFilter
    {
        public const string Secret = "internal detail 7f3a";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use(inner => http => http.Request.Path.StartsWithSegments("/throw", out var rest)
                ? throw Exception(rest.Value!.Trim('/'))
                : inner(http));
        };

        private static Exception Exception(string kind) => kind switch
        {
            "key-not-found" => new KeyNotFoundException($"{Secret} ({kind})"),
            "argument" => new ArgumentException($"{Secret} ({kind})"),
            "not-supported" => new NotSupportedException($"{Secret} ({kind})"),
            "file-not-found" => new FileNotFoundException($"{Secret} ({kind})"),
            "domain-not-found" => DomainException.NotFound(Secret),
            "domain-invalid" => DomainException.Invalid(Secret),
            "domain-invalid-field" => DomainException.Invalid(Secret, "dataset"),
            "domain-conflict" => DomainException.Conflict(Secret),
            _ => new InvalidOperationException($"no such test route '{kind}'"),
        };
    }

    /// <summary>Every error-level log entry, with its exception's message.</summary>
    public sealed class CapturedErrors : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, string Message)> Entries { get; } = new();

        public IEnumerable<(string Category, string Message)> Errors => Entries;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<(string, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error) entries.Enqueue((category, $"{formatter(state, exception)} {exception?.Message}"));
            }
        }
    }
}
