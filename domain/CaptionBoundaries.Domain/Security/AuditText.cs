using System.Text.Json;
using System.Text.RegularExpressions;

namespace CaptionBoundaries.Domain.Security;

/// <summary>How requests appear in the audit log and in refusals: "start experiment", with their data minus secrets and callbacks.</summary>
public static partial class AuditText
{
    private static readonly string[] SecretNames = ["password", "token", "secret", "connectionstring"];

    // A request may carry NaN or infinity (a body's "NaN" read as a number): recorded as such, not a failed audit.
    private static readonly JsonSerializerOptions DetailsJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string ActionOf(Type requestType)
    {
        var name = Regex.Replace(requestType.Name, "(Command|Query)$", "");
        return WordBoundary().Replace(name, " $1").Trim().ToLowerInvariant();
    }

    public static string DetailsOf(object request)
    {
        var values = new SortedDictionary<string, object?>();
        foreach (var property in request.GetType().GetProperties())
        {
            var type = property.PropertyType;
            if (typeof(Delegate).IsAssignableFrom(type) || type.Name.StartsWith("IProgress", StringComparison.Ordinal)) continue;
            var value = property.GetValue(request);
            // Uploads are recorded by size, not content.
            if (value is Stream stream) value = stream.CanSeek ? $"<{stream.Length} bytes>" : "<stream>";
            if (value is byte[] bytes) value = $"<{bytes.Length} bytes>";
            values[property.Name] = SecretNames.Any(s => property.Name.Contains(s, StringComparison.OrdinalIgnoreCase)) && value is not null ? "***" : value;
        }
        string json;
        try { json = JsonSerializer.Serialize(values, DetailsJson); }
        catch (Exception e) when (e is NotSupportedException or JsonException) { json = string.Join(", ", values.Keys); }
        return json.Length > 4000 ? json[..4000] : json;
    }

    [GeneratedRegex("([A-Z])")]
    private static partial Regex WordBoundary();
}
