using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CaptionBoundaries.Application.Features.Serving;

namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// The REST inference response: JSON, or when an output was asked for as binary (<c>binary_data</c> on the output or
/// <c>binary_data_output</c> on the request), the JSON object followed by those outputs' bytes, its length in
/// <c>Inference-Header-Content-Length</c>. Binary FP32 is little-endian; binary BYTES elements are 4-byte little-endian
/// length-prefixed. In JSON, predicted_class holds the class names as plain strings (they are ASCII).
/// </summary>
public static class InferenceResponseWriter
{
    public static IResult Write(HttpContext http, string? id, PredictionBatch batch, IReadOnlyList<OutputTensor> outputs)
    {
        // As /api/models/{m}/predict does, for clients that only look at headers.
        http.Response.Headers["X-Model-Version"] = batch.Version.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["Server-Timing"] = $"predict;dur={batch.LatencyMs.ToString("F2", CultureInfo.InvariantCulture)}";

        var binary = new List<byte[]>();
        var wire = outputs.Select(o =>
        {
            if (!o.Binary) return new InferenceJson.ResponseOutput(o.Name, o.Datatype, o.Shape, null, (object?)o.Fp32 ?? o.Strings);
            var bytes = Binary(o);
            binary.Add(bytes);
            return new InferenceJson.ResponseOutput(o.Name, o.Datatype, o.Shape,
                new Dictionary<string, object> { [InferenceRequestReader.BinaryDataSize] = bytes.LongLength }, null);
        }).ToList();
        var response = new InferenceJson.Response(batch.Model, batch.Version.ToString(CultureInfo.InvariantCulture), id, wire);
        if (binary.Count == 0) return Results.Json(response, InferenceJson.Options);

        var header = JsonSerializer.SerializeToUtf8Bytes(response, InferenceJson.Options);
        var body = new byte[header.Length + binary.Sum(b => b.Length)];
        header.CopyTo(body, 0);
        var offset = header.Length;
        foreach (var b in binary)
        {
            b.CopyTo(body, offset);
            offset += b.Length;
        }
        http.Response.Headers[InferenceRequestReader.HeaderLengthHeader] = header.Length.ToString(CultureInfo.InvariantCulture);
        return Results.Bytes(body, "application/octet-stream");
    }

    /// <summary>An output tensor's bytes in the binary tensor data form (also gRPC's raw_output_contents).</summary>
    public static byte[] Binary(OutputTensor output)
    {
        if (output.Fp32 is { } values)
        {
            var bytes = new byte[values.Length * sizeof(float)];
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
            return bytes;
        }
        var elements = (output.Strings ?? []).Select(Encoding.UTF8.GetBytes).ToList();
        var result = new byte[elements.Sum(e => sizeof(uint) + e.Length)];
        var at = 0;
        foreach (var e in elements)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(at), (uint)e.Length);
            e.CopyTo(result, at + sizeof(uint));
            at += sizeof(uint) + e.Length;
        }
        return result;
    }
}
