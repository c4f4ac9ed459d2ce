using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CaptionBoundaries.Application.Sweeps;

/// <summary>
/// Reads YAML or JSON into plain values: ordered maps (<see cref="SweepMap"/>), lists, and scalars as long, double,
/// bool, string or null. JSON goes through System.Text.Json rather than the YAML parser because YAML refuses tab
/// indentation, which pretty-printed JSON often has.
/// </summary>
internal static class SweepDocumentReader
{
    public static object? Read(string text)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                using var json = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                return FromJson(json.RootElement);
            }
            catch (JsonException e)
            {
                throw new SweepDefinitionException([new SweepDefinitionError("(document)", $"(document): not valid JSON: {e.Message}")]);
            }
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new SweepDefinitionException([new SweepDefinitionError("(document)", $"(document): not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}")]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, for some unterminated flow collections.
            throw new SweepDefinitionException([new SweepDefinitionError("(document)", "(document): not valid YAML (an unclosed [ or { ?)")]);
        }
        return stream.Documents.Count == 0 ? null : FromYaml(stream.Documents[0].RootNode);
    }

    private static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => new SweepMap(e.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, FromJson(p.Value)))),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? (object)l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static object? FromYaml(YamlNode node) => node switch
    {
        YamlMappingNode map => new SweepMap(map.Children.Select(c => new KeyValuePair<string, object?>(
            c.Key is YamlScalarNode k ? k.Value ?? "" : c.Key.ToString(), FromYaml(c.Value)))),
        YamlSequenceNode seq => seq.Children.Select(FromYaml).ToList(),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    // Quoted scalars stay strings, so `values: ["8", "16"]` is a list of names rather than of numbers.
    private static object? Scalar(YamlScalarNode scalar)
    {
        var v = scalar.Value;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded) return v;
        if (v is null || v is "~" or "null" or "Null" or "NULL" or "") return null;
        if (v is "true" or "True" or "TRUE") return true;
        if (v is "false" or "False" or "FALSE") return false;
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return v;
    }
}

/// <summary>A mapping that keeps its keys in document order.</summary>
internal sealed class SweepMap(IEnumerable<KeyValuePair<string, object?>> entries) : List<KeyValuePair<string, object?>>(entries)
{
    public bool TryGet(string key, out object? value)
    {
        foreach (var e in this)
        {
            if (e.Key == key)
            {
                value = e.Value;
                return true;
            }
        }
        value = null;
        return false;
    }
}
