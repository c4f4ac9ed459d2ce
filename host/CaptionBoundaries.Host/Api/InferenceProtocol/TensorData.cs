using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// A tensor's JSON "data", flattened in row-major order as the protocol allows it to come (flat, or nested like the
/// shape): numbers, or strings (BYTES elements). What is not one or the other is kept as a <see cref="Problem"/> so the
/// answer can name the input, rather than a parser error pointing into the body.
/// </summary>
public sealed class TensorData
{
    public List<float>? Numbers { get; private set; }
    public List<string>? Strings { get; private set; }
    public string? Problem { get; private set; }

    internal void Add(float value)
    {
        if (Strings is not null) Fail("mixes numbers and strings");
        else (Numbers ??= []).Add(value);
    }

    internal void Add(string value)
    {
        if (Numbers is not null) Fail("mixes numbers and strings");
        else (Strings ??= []).Add(value);
    }

    internal void Fail(string problem) => Problem ??= problem;
}

/// <summary>Reads "data" token by token into a <see cref="TensorData"/>; memory grows with the data sent, never with a declared shape.</summary>
public sealed class TensorDataConverter : JsonConverter<TensorData>
{
    public override TensorData Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var data = new TensorData();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            data.Fail("is not a JSON array");
            reader.Skip();
            return data;
        }
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray or JsonTokenType.EndArray:
                    break;
                case JsonTokenType.Number:
                    // A number beyond float's range becomes infinite here and is refused as not finite by the mapping.
                    data.Add(reader.TryGetDouble(out var number) ? (float)number : float.NaN);
                    break;
                case JsonTokenType.String:
                    data.Add(reader.GetString()!);
                    break;
                case JsonTokenType.StartObject:
                    data.Fail("holds an object; elements are numbers, or strings for BYTES");
                    reader.Skip();
                    break;
                default:
                    data.Fail($"holds {reader.TokenType.ToString().ToLowerInvariant()}; elements are numbers, or strings for BYTES");
                    break;
            }
        }
        return data;
    }

    public override void Write(Utf8JsonWriter writer, TensorData value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Tensor data is only read.");
}
