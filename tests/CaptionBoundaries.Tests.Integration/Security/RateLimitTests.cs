using System.Net;
using System.Net.Http.Json;
using CaptionBoundaries.Tests.Api;

namespace CaptionBoundaries.Tests.Security;

public sealed class RateLimitTests
{
    [Fact]
    public async Task An_account_over_its_per_minute_limit_gets_429_and_others_are_unaffected()
    {
        await using var factory = new ApiFactory { Slots = 1 };
        factory.Settings["Security:RateLimitPerMinute"] = "5";
        using var admin = factory.CreateClient();
        using var other = factory.CreateClient(await factory.CreateUserTokenAsync("other", "viewer"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++) statuses.Add((await admin.GetAsync("/api/architectures")).StatusCode);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5).Concat([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]), statuses);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/architectures")).StatusCode);
        // Predictions count against serving's own budget, not the exhausted API one (400: the body names no files).
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/models/none/predict", new { frame1 = "" })).StatusCode);
    }
}
