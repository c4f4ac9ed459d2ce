using System.Collections.Concurrent;
using System.Diagnostics;
using CaptionBoundaries.Application.Features.Monitoring;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Infrastructure.Monitoring;

namespace CaptionBoundaries.Host.Cli;

/// <summary>How a dataset is replayed through serving.</summary>
public sealed record SimulationOptions
{
    public string Shift { get; init; } = StreamShifts.None;
    public int Count { get; init; } = 300;

    /// <summary>Samples to replay: val, train or all.</summary>
    public string Split { get; init; } = "all";

    public int Seed { get; init; } = 1;
    public int Concurrency { get; init; } = 4;
    public string SkewClass { get; init; } = "same";
    public double SkewShare { get; init; } = 0.8;
    public double Brightness { get; init; } = 0.35;
}

public sealed record SimulationResult(int Sent, int Failed, double Seconds, IReadOnlyDictionary<string, int> Predicted, IReadOnlyList<int> Versions, string? FirstError)
{
    public double PerSecond => Seconds > 0 ? (Sent - Failed) / Seconds : 0;
}

/// <summary>One /predict answer, as far as the simulation reads it.</summary>
public sealed record PredictAnswer(string Model, int Version, string PredictedClass, double Confidence);

/// <summary>
/// Replays a dataset folder through a running server's predict endpoint (the server reads the image paths, so it
/// must run on this machine), optionally shifted: brighter frames, caption-free frames, or a class mix skewed to
/// one class. The server logs every answer and evaluates its drift windows; see `monitor status`.
/// </summary>
public sealed class MonitorSimulation(ServerApiClient client)
{
    public async Task<SimulationResult> RunAsync(string model, string datasetFolder, SimulationOptions options, IProgress<int>? progress, CancellationToken ct)
    {
        if (!StreamShifts.Names.Contains(options.Shift))
            throw new ArgumentException($"--shift must be one of {string.Join(", ", StreamShifts.Names)}, got '{options.Shift}'.");
        if (options.Count < 1) throw new ArgumentException($"--count must be at least 1, got {options.Count}.");
        if (options.Concurrency is < 1 or > 64) throw new ArgumentException($"--concurrency must be 1-64, got {options.Concurrency}.");
        var requests = Prepare(datasetFolder, options, out var cleanup);
        try
        {
            return await SendAsync(model, requests, options.Concurrency, progress, ct);
        }
        finally
        {
            cleanup();
        }
    }

    /// <summary>Sends the requests with the given concurrency; answers are tallied, failures counted with the first error kept.</summary>
    public async Task<SimulationResult> SendAsync(string model, IReadOnlyList<object> requests, int concurrency, IProgress<int>? progress, CancellationToken ct)
    {
        var predicted = new ConcurrentDictionary<string, int>();
        var versions = new ConcurrentDictionary<int, bool>();
        var failed = 0;
        var done = 0;
        string? firstError = null;
        var path = $"api/models/{Uri.EscapeDataString(model)}/predict";
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (body, token) =>
        {
            try
            {
                var answer = await client.Post<PredictAnswer>(path, body, token);
                predicted.AddOrUpdate(answer.PredictedClass, 1, (_, n) => n + 1);
                versions[answer.Version] = true;
            }
            catch (InvalidOperationException e)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, e.Message, null);
            }
            progress?.Report(Interlocked.Increment(ref done));
        });
        var seconds = clock.Elapsed.TotalSeconds;
        if (failed == requests.Count) throw new InvalidOperationException($"Every prediction failed; the first error: {firstError}");
        return new SimulationResult(requests.Count, failed, seconds, predicted.ToDictionary(), versions.Keys.Order().ToList(), firstError);
    }

    /// <summary>The request bodies in replay order, with shifted images written to the work folder.</summary>
    public static List<object> Prepare(string datasetFolder, SimulationOptions options, out Action cleanup)
    {
        datasetFolder = Path.GetFullPath(datasetFolder);
        var manifest = DatasetManifest.Load(datasetFolder);
        var samples = manifest.Samples.Where(s => options.Split == "all" || s.Split == options.Split).ToList();
        if (samples.Count == 0) throw new ArgumentException($"Dataset '{datasetFolder}' has no samples in split '{options.Split}'.");
        var schedule = StreamShifts.Schedule(samples.Select(s => s.Label).ToList(), options.Count, options.Seed,
            options.Shift == StreamShifts.ClassSkew ? options.SkewClass : null, options.SkewShare);

        var shifted = options.Shift is StreamShifts.Brightness or StreamShifts.CaptionFree;
        // Images travel in the request as bytes, so nothing is written anywhere and there is nothing to clean up.
        cleanup = () => { };

        var bodies = new Dictionary<int, object>();
        var result = new List<object>(schedule.Count);
        foreach (var index in schedule)
        {
            if (!bodies.TryGetValue(index, out var body))
            {
                body = Body(datasetFolder, samples[index], options, shifted);
                bodies[index] = body;
            }
            result.Add(body);
        }
        return result;
    }

    private static object Body(string folder, DatasetManifestSample s, SimulationOptions options, bool shifted)
    {
        string Resolve(string field, string rel) => DatasetManifest.ResolveImagePath(folder, s, field, rel);
        string frame1 = Resolve("frame1", s.Frame1), frame2 = Resolve("frame2", s.Frame2), ocr = Resolve("ocr_viz", s.OcrViz);
        var spatial = s.SpatialFeatures;
        var box = s.CaptionBox;
        byte[] f1Bytes, f2Bytes, ocrBytes;
        if (!shifted)
        {
            (f1Bytes, f2Bytes, ocrBytes) = (File.ReadAllBytes(frame1), File.ReadAllBytes(frame2), File.ReadAllBytes(ocr));
        }
        else
        {
            var (f1, f2) = (RgbImage.Load(frame1), RgbImage.Load(frame2));
            var o = RgbImage.Load(ocr);
            if (options.Shift == StreamShifts.Brightness)
            {
                (f1, f2) = (StreamShifts.Brighten(f1, options.Brightness), StreamShifts.Brighten(f2, options.Brightness));
            }
            else
            {
                (f1, f2, o, spatial) = StreamShifts.RemoveCaptions(f1, f2, spatial);
                box = null;
            }
            (f1Bytes, f2Bytes, ocrBytes) = (f1.EncodePng(), f2.EncodePng(), o.EncodePng());
        }
        return new
        {
            frame1 = Convert.ToBase64String(f1Bytes),
            frame2 = Convert.ToBase64String(f2Bytes),
            ocr_viz = Convert.ToBase64String(ocrBytes),
            spatial_features = spatial,
            caption_box = box,
        };
    }

    /// <summary>Writes what is buffered on the server and evaluates the windows now, then reads the model's dashboard.</summary>
    public async Task<MonitoringDashboard> FlushAndReadAsync(string model, CancellationToken ct)
    {
        await client.Post<PredictionLogStatistics>("api/monitoring/flush", new { }, ct);
        return await client.Get<MonitoringDashboard>($"api/monitoring/models/{Uri.EscapeDataString(model)}", ct);
    }
}
