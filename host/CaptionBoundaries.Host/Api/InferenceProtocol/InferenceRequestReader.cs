using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;

namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// Reads a REST inference request: the JSON object alone, or (binary tensor data extension) the JSON object of
/// <c>Inference-Header-Content-Length</c> bytes followed by each binary input's <c>binary_data_size</c> bytes in input
/// order. BYTES elements are base64 strings in JSON (encoded images are not UTF-8 text), and 4-byte little-endian
/// length-prefixed in binary. Sizes a client declares are only compared with the bytes that came, never allocated.
/// </summary>
public static class InferenceRequestReader
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";
    public const string BinaryDataSize = "binary_data_size";
    public const string BinaryData = "binary_data";
    public const string BinaryDataOutput = "binary_data_output";
    public const string RoutingKey = "routing_key";

    /// <summary>As the /api's "key" (PredictValidator).</summary>
    public const int MaxRoutingKeyLength = 256;

    public static async Task<InferRequest> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, maxBytes, ct);
        var headerLength = HeaderLength(request, body.Count);
        InferenceJson.Request? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<InferenceJson.Request>(body.AsSpan(0, headerLength), InferenceJson.Options);
        }
        catch (JsonException e)
        {
            throw Invalid("", $"The body is not an inference request object: {e.Message}");
        }
        if (parsed is null) throw Invalid("", "The body is empty; send an inference request object.");
        return ToRequest(parsed, body.AsMemory(headerLength));
    }

    /// <summary>
    /// The whole body, at most <paramref name="maxBytes"/> (the endpoint's limit already refused a larger declared
    /// length and cuts a chunked one off). The buffer grows with what arrives: a declared length is not reserved up front.
    /// </summary>
    private static async Task<ArraySegment<byte>> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 0, 1024 * 1024));
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > maxBytes) throw TooLarge(maxBytes);
        return buffer.TryGetBuffer(out var segment) ? segment : buffer.ToArray();
    }

    private static BadHttpRequestException TooLarge(long maxBytes) =>
        new($"The body is larger than the {maxBytes:N0} bytes this endpoint takes (Limits:MaxPredictBodyMegabytes).", StatusCodes.Status413PayloadTooLarge);

    private static int HeaderLength(HttpRequest request, int bodyLength)
    {
        if (!request.Headers.TryGetValue(HeaderLengthHeader, out var values)) return bodyLength;
        if (!int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > bodyLength)
            throw Invalid(HeaderLengthHeader, $"{HeaderLengthHeader} must be the length of the JSON object at the start of the body (0 to {bodyLength:N0}); got '{values}'.");
        if (length == 0)
            throw Invalid(HeaderLengthHeader, $"{HeaderLengthHeader}: 0 (a raw binary request without a JSON object) is for models with one input; this model has several: send the inference request object first.");
        return length;
    }

    private static InferRequest ToRequest(InferenceJson.Request parsed, ReadOnlyMemory<byte> binary)
    {
        var failures = new List<ValidationFailure>();
        void Fail(string field, string message) => failures.Add(new ValidationFailure(field, message));

        var routingKey = OptionalString(parsed.Parameters, RoutingKey, "parameters." + RoutingKey, Fail);
        if (routingKey is { Length: > MaxRoutingKeyLength })
            Fail("parameters." + RoutingKey, $"Parameter '{RoutingKey}' has {routingKey.Length:N0} characters; at most {MaxRoutingKeyLength} are accepted.");
        var binaryOutput = OptionalBool(parsed.Parameters, BinaryDataOutput, "parameters." + BinaryDataOutput, Fail) ?? false;
        if (parsed.Inputs is not { Count: > 0 }) Fail("inputs", "The request has no inputs.");

        var inputs = new List<InferTensor>();
        var offset = 0;
        for (var i = 0; i < (parsed.Inputs?.Count ?? 0); i++)
        {
            var input = parsed.Inputs![i];
            var name = input?.Name is { Length: > 0 } n ? n : $"inputs[{i}]";
            if (input?.Name is not { Length: > 0 })
            {
                Fail(name, "An input has no name.");
                continue;
            }
            if (input.Datatype is not (ModelSignature.Fp32 or ModelSignature.Bytes))
            {
                Fail(name, $"Input '{name}' has datatype '{input.Datatype}'; inputs here are FP32 or BYTES.");
                continue;
            }
            if (input.Shape is null)
            {
                Fail(name, $"Input '{name}' has no shape.");
                continue;
            }
            var size = OptionalLong(input.Parameters, BinaryDataSize, name, Fail);
            if (size is { } declared)
            {
                if (input.Data is not null) Fail(name, $"Input '{name}' has both \"data\" and a {BinaryDataSize} parameter; send one.");
                else if (declared < 0 || declared > binary.Length - offset)
                    Fail(name, $"Input '{name}' declares {BinaryDataSize} {declared:N0} but {Math.Max(0, binary.Length - offset):N0} bytes of binary data are left after the JSON object.");
                else
                {
                    if (FromBinary(name, input.Datatype, input.Shape, binary.Slice(offset, (int)declared), Fail) is { } tensor) inputs.Add(tensor);
                    offset += (int)declared;
                }
                continue;
            }
            if (input.Data is not { } data)
            {
                Fail(name, $"Input '{name}' has no \"data\" (or {BinaryDataSize} parameter with binary data after the JSON object).");
                continue;
            }
            if (FromJson(name, input.Datatype, input.Shape, data, Fail) is { } parsedTensor) inputs.Add(parsedTensor);
        }
        if (failures.Count == 0 && offset != binary.Length)
            Fail(HeaderLengthHeader, $"{binary.Length - offset:N0} bytes after the JSON object belong to no input (each binary input declares its {BinaryDataSize}).");

        List<RequestedOutput>? outputs = null;
        if (parsed.Outputs is not null)
        {
            outputs = [];
            foreach (var output in parsed.Outputs)
            {
                if (output?.Name is not { Length: > 0 } outputName)
                {
                    Fail("outputs", "A requested output has no name.");
                    continue;
                }
                outputs.Add(new RequestedOutput(outputName,
                    OptionalBool(output.Parameters, BinaryData, $"outputs.{outputName}.parameters.{BinaryData}", Fail) ?? binaryOutput));
            }
        }
        if (failures.Count > 0) throw new ValidationException(failures);
        return new InferRequest(parsed.Id, routingKey, inputs, outputs, binaryOutput);
    }

    private static InferTensor? FromJson(string name, string datatype, long[] shape, TensorData data, Action<string, string> fail)
    {
        if (data.Problem is { } problem)
        {
            fail(name, $"The data of input '{name}' {problem}.");
            return null;
        }
        if (datatype == ModelSignature.Fp32)
        {
            if (data.Strings is not null)
            {
                fail(name, $"Input '{name}' is FP32 but its data holds strings.");
                return null;
            }
            return new InferTensor(name, datatype, shape, Fp32: data.Numbers?.ToArray() ?? []);
        }
        if (data.Numbers is not null)
        {
            fail(name, $"Input '{name}' is BYTES: its data holds strings (each element base64-encoded), not numbers.");
            return null;
        }
        var strings = data.Strings ?? [];
        var elements = new byte[strings.Count][];
        for (var i = 0; i < strings.Count; i++)
        {
            try
            {
                elements[i] = PredictRequests.Base64Image(strings[i], name);
            }
            catch (ValidationException)
            {
                fail(name, $"Input '{name}': element {i} is not base64. BYTES elements in JSON are base64-encoded (PNG and JPEG files are not UTF-8 text); server paths are not accepted.");
                return null;
            }
        }
        return new InferTensor(name, datatype, shape, Bytes: elements);
    }

    /// <summary>Little-endian FP32 values, or BYTES elements each preceded by its length as a 4-byte little-endian unsigned integer.</summary>
    public static InferTensor? FromBinary(string name, string datatype, long[] shape, ReadOnlyMemory<byte> bytes, Action<string, string> fail)
    {
        var span = bytes.Span;
        if (datatype == ModelSignature.Fp32)
        {
            if (span.Length % sizeof(float) != 0)
            {
                fail(name, $"Input '{name}' is FP32 but its {span.Length:N0} bytes of binary data are not a whole number of 4-byte values.");
                return null;
            }
            var values = new float[span.Length / sizeof(float)];
            if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(span).CopyTo(values);
            else for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(i * 4)..]);
            return new InferTensor(name, datatype, shape, Fp32: values);
        }
        var elements = new List<byte[]>();
        while (span.Length > 0)
        {
            if (span.Length < sizeof(uint))
            {
                fail(name, $"Input '{name}': element {elements.Count} of the binary BYTES data is cut off inside its 4-byte length.");
                return null;
            }
            var length = BinaryPrimitives.ReadUInt32LittleEndian(span);
            span = span[sizeof(uint)..];
            if (length > (uint)span.Length)
            {
                fail(name, $"Input '{name}': element {elements.Count} declares {length:N0} bytes but {span.Length:N0} are left in the input's binary data.");
                return null;
            }
            elements.Add(span[..(int)length].ToArray());
            span = span[(int)length..];
        }
        return new InferTensor(name, datatype, shape, Bytes: [.. elements]);
    }

    private static JsonElement? Parameter(Dictionary<string, JsonElement>? parameters, string key) =>
        parameters is not null && parameters.TryGetValue(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? OptionalString(Dictionary<string, JsonElement>? parameters, string key, string field, Action<string, string> fail)
    {
        if (Parameter(parameters, key) is not { } value) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        fail(field, $"Parameter '{key}' must be a string.");
        return null;
    }

    private static bool? OptionalBool(Dictionary<string, JsonElement>? parameters, string key, string field, Action<string, string> fail)
    {
        if (Parameter(parameters, key) is not { } value) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        fail(field, $"Parameter '{key}' must be true or false.");
        return null;
    }

    private static long? OptionalLong(Dictionary<string, JsonElement>? parameters, string key, string field, Action<string, string> fail)
    {
        if (Parameter(parameters, key) is not { } value) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)) return number;
        fail(field, $"Parameter '{key}' of input '{field}' must be a whole number of bytes.");
        return null;
    }

    private static ValidationException Invalid(string field, string message) => new([new ValidationFailure(field, message)]);
}
