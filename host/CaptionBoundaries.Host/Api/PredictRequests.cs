using System.Globalization;
using System.Text.Json;
using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.Features;

namespace CaptionBoundaries.Host.Api;

/// <summary>
/// The prediction request forms and their mapping to <see cref="PredictCommand"/>: JSON with base64-encoded images
/// (one sample, or <c>instances</c> for a batch), or multipart/form-data with the three image files. Server paths are not
/// accepted: a string that is not base64 is refused naming the field.
/// </summary>
public static class PredictRequests
{
    /// <summary>One sample in JSON: images as base64 (a data: URL prefix is allowed), vectors as numbers.</summary>
    public sealed record SampleBody(string? Frame1, string? Frame2, string? OcrViz, float[]? SpatialFeatures, float[]? CaptionBox, float[]? FontEmbedding);

    /// <summary>The single form: one sample's fields at the top level, plus routing.</summary>
    public sealed record SingleBody(string? Frame1, string? Frame2, string? OcrViz, float[]? SpatialFeatures, float[]? CaptionBox,
        float[]? FontEmbedding, string? Key, int? Version);

    /// <summary>The batch form: samples in order under <c>instances</c>, one route for all of them.</summary>
    public sealed record BatchBody(List<SampleBody?>? Instances, string? Key, int? Version);

    public static async Task<PredictCommand> SingleAsync(string model, HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.HasFormContentType) return await FromFormAsync(model, request, maxBytes, ct);
        var body = await ReadJsonAsync<SingleBody>(request, ct);
        var sample = ToInput(new SampleBody(body.Frame1, body.Frame2, body.OcrViz, body.SpatialFeatures, body.CaptionBox, body.FontEmbedding), "");
        return new PredictCommand(model, [sample], new PredictOptions(body.Version, body.Key));
    }

    public static async Task<PredictCommand> BatchAsync(string model, HttpRequest request, CancellationToken ct)
    {
        var body = await ReadJsonAsync<BatchBody>(request, ct);
        var instances = body.Instances ?? [];
        var samples = new List<PredictionInput>(instances.Count);
        var failures = new List<ValidationFailure>();
        for (var i = 0; i < instances.Count; i++)
        {
            try
            {
                samples.Add(ToInput(instances[i] ?? new SampleBody(null, null, null, null, null, null), $"instances[{i}]."));
            }
            catch (ValidationException e)
            {
                failures.AddRange(e.Errors);
            }
        }
        if (failures.Count > 0) throw new ValidationException(failures);
        return new PredictCommand(model, samples, new PredictOptions(body.Version, body.Key), Batch: true);
    }

    /// <summary>The decoded PNG/JPEG bytes of a base64 field, or a 400 naming it.</summary>
    public static byte[] Base64Image(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text)) throw Invalid(field, "The image is required: its PNG or JPEG bytes, base64-encoded.");
        var data = text.AsSpan().Trim();
        // data:image/png;base64,.... as browsers produce it.
        if (data.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && data.IndexOf(',') is var comma and > 0) data = data[(comma + 1)..];
        var buffer = new byte[data.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64Chars(data, buffer, out var written) || written == 0)
            throw Invalid(field, "The image must be its PNG or JPEG bytes, base64-encoded; server paths are not accepted.");
        return buffer[..written];
    }

    private static PredictionInput ToInput(SampleBody body, string prefix)
    {
        var failures = new List<ValidationFailure>();
        InputImage Image(string? text, string field)
        {
            try
            {
                return InputImage.FromEncoded(Base64Image(text, prefix + field));
            }
            catch (ValidationException e)
            {
                failures.AddRange(e.Errors);
                return InputImage.FromEncoded([]);
            }
        }
        var sample = new PredictionInput(Image(body.Frame1, "frame1"), Image(body.Frame2, "frame2"), Image(body.OcrViz, "ocr_viz"),
            body.SpatialFeatures ?? [], body.CaptionBox, body.FontEmbedding);
        if (failures.Count == 0) return sample;
        // Refused already; name the other fields' problems too, so one answer lists everything to fix.
        failures.AddRange(PredictValidator.SampleProblems(sample)
            .Where(p => p.Field is not ("frame1" or "frame2" or "ocr_viz"))
            .Select(p => new ValidationFailure(prefix + p.Field, p.Message)));
        throw new ValidationException(failures);
    }

    private static async Task<PredictCommand> FromFormAsync(string model, HttpRequest request, long maxBytes, CancellationToken ct)
    {
        request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = maxBytes }));
        var form = await request.ReadFormAsync(ct);
        var failures = new List<ValidationFailure>();
        async Task<InputImage> File(string field)
        {
            if (form.Files.GetFile(field) is not { Length: > 0 } file)
            {
                failures.Add(new ValidationFailure(field, $"The form needs a file field '{field}' with the image (PNG or JPEG)."));
                return InputImage.FromEncoded([]);
            }
            using var copy = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
            await file.CopyToAsync(copy, ct);
            return InputImage.FromEncoded(copy.ToArray());
        }
        float[]? Vector(string field)
        {
            if (!form.TryGetValue(field, out var text) || string.IsNullOrWhiteSpace(text)) return null;
            if (ParseNumbers(text.ToString()) is { } numbers) return numbers;
            failures.Add(new ValidationFailure(field, $"'{field}' must be numbers: a JSON array or comma-separated."));
            return null;
        }
        int? version = null;
        if (form.TryGetValue("version", out var versionText) && !string.IsNullOrWhiteSpace(versionText))
        {
            if (int.TryParse(versionText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) version = v;
            else failures.Add(new ValidationFailure("version", "'version' must be a whole number."));
        }
        var sample = new PredictionInput(await File("frame1"), await File("frame2"), await File("ocr_viz"),
            Vector("spatial_features") ?? [], Vector("caption_box"), Vector("font_embedding"));
        if (failures.Count > 0) throw new ValidationException(failures);
        return new PredictCommand(model, [sample], new PredictOptions(version, form.TryGetValue("key", out var key) ? key.ToString() : null));
    }

    private static float[]? ParseNumbers(string text)
    {
        text = text.Trim();
        if (text.StartsWith('['))
        {
            try
            {
                return JsonSerializer.Deserialize<float[]>(text);
            }
            catch (JsonException)
            {
                return null;
            }
        }
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i])) return null;
        return result;
    }

    private static async Task<T> ReadJsonAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType())
            throw new BadHttpRequestException("Send application/json (images base64-encoded) or multipart/form-data (image files).", StatusCodes.Status415UnsupportedMediaType);
        try
        {
            return await request.ReadFromJsonAsync<T>(ct) ?? throw new BadHttpRequestException("The body is empty.");
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException($"The body is not valid JSON for this request: {e.Message}", e);
        }
    }

    private static ValidationException Invalid(string field, string message) => new([new ValidationFailure(field, message)]);
}
