using System.Net;
using System.Text.Json;

namespace CaptionBoundaries.Tests.Support;

public static class ApiJson
{
    /// <summary>The response's JSON body, after asserting its status (the body is in the failure message).</summary>
    public static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
