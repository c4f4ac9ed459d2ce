using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Reads YAML or JSON into plain values: ordered maps (<see cref="SweepMap"/>), lists, and scalars as long, double,
/// bool, string or null. JSON goes through System.Text.Json rather than the YAML parser because YAML refuses tab
/// indentation, which pretty-printed JSON often has.
/// Definitions arrive from any signed-in user, so the reader is written for hostile text: it walks YamlDotNet's event
/// stream itself (YamlStream resolves aliases into a graph, and "&amp;a [*a]" is a cycle whose recursive walk overflowed
/// the stack and killed the process), refuses anchors and aliases (a definition never needs them, and they are how a
/// few bytes expand into billions of nodes), refuses a key repeated in one mapping, and caps the text's size, the
/// nesting depth and the node count.
/// </summary>
internal static class SweepDocumentReader
{
    private const int MaxChars = DefinitionLimits.MaxChars;
    private const int MaxDepth = DefinitionLimits.MaxDepth;
    private const int MaxNodes = DefinitionLimits.MaxNodes;

    public static object? Read(string text)
    {
        if (text.Length > MaxChars)
            throw Error($"(document): the definition is {text.Length} characters; at most {MaxChars} are accepted.");
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                using var json = JsonDocument.Parse(text, new JsonDocumentOptions
                {
                    AllowTrailingCommas = true,
                    CommentHandling = JsonCommentHandling.Skip,
                    MaxDepth = MaxDepth,
                });
                var nodes = 0;
                return FromJson(json.RootElement, ref nodes);
            }
            catch (JsonException e)
            {
                throw Error($"(document): not valid JSON: {e.Message}");
            }
        }

        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            var nodes = 0;
            var root = parser.Accept<DocumentEnd>(out _) ? null : FromYaml(parser, depth: 1, ref nodes);
            parser.Consume<DocumentEnd>();
            return root;
        }
        catch (YamlException e)
        {
            throw Error($"(document): not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, for some unterminated flow collections.
            throw Error("(document): not valid YAML (an unclosed [ or { ?)");
        }
    }

    private static SweepDefinitionException Error(string message) => new([new SweepDefinitionError("(document)", message)]);

    private static object? FromJson(JsonElement e, ref int nodes)
    {
        if (++nodes > MaxNodes) throw Error($"(document): more than {MaxNodes} values; a definition is far smaller.");
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var entries = new List<KeyValuePair<string, object?>>();
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    if (!names.Add(p.Name)) throw Error($"(document): the key '{p.Name}' appears more than once in one object.");
                    entries.Add(new(p.Name, FromJson(p.Value, ref nodes)));
                }
                return new SweepMap(entries);
            case JsonValueKind.Array:
                var items = new List<object?>();
                foreach (var item in e.EnumerateArray()) items.Add(FromJson(item, ref nodes));
                return items;
            case JsonValueKind.String: return e.GetString();
            case JsonValueKind.Number: return e.TryGetInt64(out var l) ? (object)l : e.GetDouble();
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            default: return null;
        }
    }

    private static object? FromYaml(IParser parser, int depth, ref int nodes)
    {
        var current = parser.Current;
        if (++nodes > MaxNodes) throw Error($"(document): more than {MaxNodes} values; a definition is far smaller.");
        if (current is AnchorAlias)
            throw Error($"(document): line {current.Start.Line}: YAML aliases (*name) are not accepted in a definition.");
        if (current is NodeEvent { Anchor.IsEmpty: false } anchored)
            throw Error($"(document): line {anchored.Start.Line}: YAML anchors (&{anchored.Anchor.Value}) are not accepted in a definition.");
        if (depth > MaxDepth && current is MappingStart or SequenceStart)
            throw Error($"(document): line {current.Start.Line}: nested deeper than {MaxDepth} levels.");

        switch (current)
        {
            case Scalar scalar:
                parser.MoveNext();
                return ScalarValue(scalar);
            case SequenceStart:
                {
                    parser.MoveNext();
                    var items = new List<object?>();
                    while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(FromYaml(parser, depth + 1, ref nodes));
                    return items;
                }
            case MappingStart:
                {
                    parser.MoveNext();
                    var entries = new List<KeyValuePair<string, object?>>();
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        // Keys are plain names in a definition; a complex key (a map or list) is read as its text.
                        var keyEvent = parser.Current;
                        var key = FromYaml(parser, depth + 1, ref nodes);
                        var keyText = keyEvent is Scalar ks ? ks.Value : Convert.ToString(key, CultureInfo.InvariantCulture) ?? "";
                        // YAML forbids repeated keys and parsers disagree on which one wins: refuse rather than guess.
                        if (!names.Add(keyText))
                            throw Error($"(document): line {keyEvent?.Start.Line}: the key '{keyText}' appears more than once in one mapping.");
                        entries.Add(new(keyText, FromYaml(parser, depth + 1, ref nodes)));
                    }
                    return new SweepMap(entries);
                }
            default:
                throw Error($"(document): line {current?.Start.Line}: unexpected YAML {current?.GetType().Name}.");
        }
    }

    // Quoted scalars stay strings, so `values: ["8", "16"]` is a list of names rather than of numbers.
    private static object? ScalarValue(Scalar scalar)
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
