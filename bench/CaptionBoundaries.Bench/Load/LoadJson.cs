using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaptionBoundaries.Bench.Load;

/// <summary>
/// The JSON of the load client: request bodies as the REST API reads them and the report file. The same settings as
/// the CLI's own client (ServerApiClient.Json in the host, which this project cannot reference); a unit test keeps the
/// two producing the same bytes.
/// </summary>
public static class LoadJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };
}
