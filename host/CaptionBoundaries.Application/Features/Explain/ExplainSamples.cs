using System.Text.Json;
using CaptionBoundaries.Application.Features.Inference;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Benchmarks;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Explain;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Security.Paths;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Security.Paths;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Explain;

/// <summary>
/// Grad-CAM heatmaps for samples of a dataset folder with a model rebuilt from a checkpoint alone: the named samples,
/// else the first <see cref="Limit"/> of <see cref="Split"/> (only misclassified ones if asked). With
/// <see cref="OutputFolder"/> the overlays are written there as PNGs, one folder per sample.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record ExplainSamplesCommand(
    string DataFolder,
    string CheckpointPath,
    string? OutputFolder = null,
    IReadOnlyList<string>? SampleIds = null,
    string Split = DatasetSplit.Validation,
    int Limit = 16,
    bool OnlyMisclassified = false,
    string Target = ExplainTarget.Predicted,
    string Device = "cpu") : ICommand<ExplainSamplesResult>;

public sealed record ExplainSamplesResult(
    string CheckpointPath,
    string CheckpointSha256,
    string ArchitectureName,
    int ImageHeight,
    int ImageWidth,
    IReadOnlyList<string> Notes,
    IReadOnlyList<ExplainedSample> Samples,
    string? OutputFolder,
    IReadOnlyList<string> WrittenFiles);

public sealed class ExplainSamplesValidator : AbstractValidator<ExplainSamplesCommand>
{
    public const int MaxSamples = 256;

    public ExplainSamplesValidator(RequestPaths paths)
    {
        RuleFor(c => c.CheckpointPath).MustBeCheckpointFile(paths).OverridePropertyName("checkpoint");
        RuleFor(c => c.DataFolder).MustBeDatasetFolder(paths).OverridePropertyName("data");
        RuleFor(c => c.OutputFolder).MustBeNewFolder(paths).When(c => c.OutputFolder is not null).OverridePropertyName("out");
        RuleFor(c => c.Split).Must(BenchmarkSplits.Names.Contains)
            .WithMessage(c => $"Split '{c.Split}' is not one of: {string.Join(", ", BenchmarkSplits.Names)}.").OverridePropertyName("split");
        RuleFor(c => c.Limit).InclusiveBetween(1, MaxSamples).OverridePropertyName("limit");
        RuleFor(c => c.SampleIds!.Count).LessThanOrEqualTo(MaxSamples).When(c => c.SampleIds is not null).OverridePropertyName("sample");
        RuleFor(c => c.Target).Must(ExplainTarget.IsValid)
            .WithMessage(c => $"Target '{c.Target}' is not one of: {string.Join(", ", ExplainTarget.Choices)}.").OverridePropertyName("target");
        RuleFor(c => c.Device).Matches(DeviceSelection.Pattern()).WithMessage("Device must be cpu, cuda or cuda:N.").OverridePropertyName("device");
    }
}

public sealed class ExplainSamplesHandler(CheckpointLoader loader, ExpensiveReads gate) : ICommandHandler<ExplainSamplesCommand, ExplainSamplesResult>
{
    public async ValueTask<ExplainSamplesResult> Handle(ExplainSamplesCommand command, CancellationToken cancellationToken)
    {
        var device = DeviceSelection.Resolve(command.Device);
        return await gate.RunAsync(null, token => Task.Run(() =>
        {
            using var session = ExplainSession.Open(loader, command.CheckpointPath, command.DataFolder, device);
            var samples = Choose(session, command);
            cancellationToken.ThrowIfCancellationRequested();
            var explained = session.Explain(samples, command.Target);
            var meta = session.Model.Metadata;
            var written = command.OutputFolder is { } folder ? Write(folder, explained, session.ArchitectureNotes()) : [];
            return new ExplainSamplesResult(session.Model.CheckpointPath, session.Model.Sha256, meta.ArchitectureName,
                meta.ImageHeight, meta.ImageWidth, session.ArchitectureNotes(), explained, command.OutputFolder, written);
        }, token), cancellationToken);
    }

    private static IReadOnlyList<DatasetSample> Choose(ExplainSession session, ExplainSamplesCommand command)
    {
        IReadOnlyList<DatasetSample> candidates;
        if (command.SampleIds is { Count: > 0 } ids)
        {
            var byId = session.Dataset.Train.Concat(session.Dataset.Validation).ToDictionary(s => s.Id);
            var unknown = ids.Where(id => !byId.ContainsKey(id)).ToList();
            if (unknown.Count > 0)
                throw DomainException.NotFound($"Dataset '{session.Dataset.Folder}' has no sample {string.Join(", ", unknown.Select(u => $"'{u}'"))}.");
            candidates = ids.Distinct().Select(id => byId[id]).ToList();
        }
        else
        {
            candidates = BenchmarkSplits.Select(session.Dataset, command.Split);
        }
        if (command.OnlyMisclassified)
        {
            var wrong = session.Predict(candidates).Where(p => p.PredictedClass != p.TrueClass).Select(p => p.SampleId).ToHashSet();
            candidates = candidates.Where(s => wrong.Contains(s.Id)).ToList();
        }
        return command.SampleIds is { Count: > 0 } ? candidates : candidates.Take(command.Limit).ToList();
    }

    /// <summary>
    /// Per sample, a folder with the inputs as the model saw them (<c>frame1.png</c>, …), the overlays
    /// (<c>frame1.grad_cam.png</c>) and the bare heatmaps (<c>frame1.grad_cam.heatmap.png</c>); <c>explanations.json</c> indexes them.
    /// </summary>
    private static List<string> Write(string folder, IReadOnlyList<ExplainedSample> samples, IReadOnlyList<string> notes)
    {
        var written = new List<string>();
        Directory.CreateDirectory(folder);
        void Save(string path, byte[] bytes)
        {
            File.WriteAllBytes(path, bytes);
            written.Add(path);
        }
        var index = new List<object>();
        var usedFolders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            var sampleFolder = Path.Combine(folder, UniqueName(SafeName(sample.SampleId), usedFolders));
            Directory.CreateDirectory(sampleFolder);
            var files = new Dictionary<string, string>();
            foreach (var map in sample.Maps)
            {
                var image = Path.Combine(sampleFolder, $"{map.Input}.png");
                if (files.TryAdd(map.Input, image)) Save(image, map.ImagePng);
                var overlay = Path.Combine(sampleFolder, $"{map.Input}.{map.Method}.png");
                files[$"{map.Input}.{map.Method}"] = overlay;
                Save(overlay, map.OverlayPng);
                var heatmap = Path.Combine(sampleFolder, $"{map.Input}.{map.Method}.heatmap.png");
                files[$"{map.Input}.{map.Method}.heatmap"] = heatmap;
                Save(heatmap, map.HeatmapPng);
            }
            index.Add(new
            {
                sample_id = sample.SampleId,
                split = sample.Split,
                true_class = sample.TrueClass,
                predicted_class = sample.PredictedClass,
                confidence = sample.Confidence,
                explained_class = sample.ExplainedClass,
                maps = sample.Maps.Select(m => new { input = m.Input, method = m.Method, source = m.Source, shared_with = m.SharedWith, peak = m.Peak }),
                files = files.ToDictionary(kv => kv.Key, kv => Path.GetRelativePath(folder, kv.Value)),
            });
        }
        var indexPath = Path.Combine(folder, "explanations.json");
        File.WriteAllText(indexPath, JsonSerializer.Serialize(new { notes, samples = index }, new JsonSerializerOptions { WriteIndented = true }));
        written.Add(indexPath);
        return written;
    }

    private static string SafeName(string id)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var name = new string(id.Select(c => invalid.Contains(c) || char.IsWhiteSpace(c) ? '_' : c).ToArray()).Trim('.');
        return name.Length == 0 ? "sample" : name;
    }

    private static string UniqueName(string name, HashSet<string> used)
    {
        var candidate = name;
        for (var i = 2; !used.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }
}
