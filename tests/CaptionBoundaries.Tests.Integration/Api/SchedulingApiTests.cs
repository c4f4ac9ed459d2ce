using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Api;

/// <summary>Quota administration and pre-emption over HTTP, with a configured per-user quota.</summary>
public sealed class SchedulingApiTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new() { Settings = { ["Scheduling:UserQuotas:zed"] = "1" } };
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected) => ApiJson.Expect(response, expected);

    private async Task<JsonElement> UserOnSlotsPage(string user)
    {
        var slots = await Json(await _client.GetAsync("/api/slots"), HttpStatusCode.OK);
        return slots.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("user").GetString() == user);
    }

    [Fact]
    public async Task QuotasComeFromConfigurationCanBeOverriddenAndResetAndBadInputIsNamed()
    {
        var configured = await UserOnSlotsPage("zed");
        Assert.Equal((1, "configuration"), (configured.GetProperty("quota").GetInt32(), configured.GetProperty("quota_source").GetString()));

        var set = await Json(await _client.PutAsJsonAsync("/api/scheduling/quotas/zed", new { slots = 3 }), HttpStatusCode.OK);
        Assert.Equal((3, "override"), (set.GetProperty("quota").GetInt32(), set.GetProperty("quota_source").GetString()));
        Assert.Equal(3, (await UserOnSlotsPage("zed")).GetProperty("quota").GetInt32());

        var refused = await Json(await _client.PutAsJsonAsync("/api/scheduling/quotas/zed", new { slots = 0 }), HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("slots", out _), refused.ToString());

        var reset = await Json(await _client.DeleteAsync("/api/scheduling/quotas/zed"), HttpStatusCode.OK);
        Assert.Equal((1, "configuration"), (reset.GetProperty("quota").GetInt32(), reset.GetProperty("quota_source").GetString()));
    }

    [Fact]
    public async Task PreemptingAnUnknownExperimentIs404AndAReasonIsRequired()
    {
        var id = Guid.NewGuid();
        var noReason = await Json(await _client.PostAsJsonAsync($"/api/experiments/{id}/preempt", new { reason = "" }), HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _), noReason.ToString());
        await Json(await _client.PostAsJsonAsync($"/api/experiments/{id}/preempt", new { reason = "make room" }), HttpStatusCode.NotFound);
    }
}
