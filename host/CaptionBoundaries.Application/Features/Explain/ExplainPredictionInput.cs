using System.Security.Cryptography;
using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Explain;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;
using static TorchSharp.torch;

namespace CaptionBoundaries.Application.Features.Explain;

/// <summary>
/// Grad-CAM for one sample sent as bytes (as a prediction is: never a path), with the checkpoint of a registered
/// version of a served model: why that version answered what it answered. The console's try-it panel asks it for the
/// version that answered its prediction. <see cref="TrueClass"/>, when the caller knows it (a dataset sample), is
/// only shown, and is what <see cref="ExplainTarget.True"/> explains.
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record ExplainPredictionInputQuery(
    string Model, int Version, PredictionInput Sample, string Target = ExplainTarget.Predicted, string? TrueClass = null)
    : IModelRequest, IQuery<PredictionExplanation>;

/// <param name="Sample">Its <see cref="ExplainedSample.TrueClass"/> is empty when the caller gave none.</param>
public sealed record PredictionExplanation(string Model, int Version, string ArchitectureName, ExplainedSample Sample, IReadOnlyList<string> Notes);

public sealed class ExplainPredictionInputValidator : AbstractValidator<ExplainPredictionInputQuery>
{
    public ExplainPredictionInputValidator()
    {
        RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(q => q.Version).GreaterThan(0).OverridePropertyName("version");
        RuleFor(q => q.Target).Must(ExplainTarget.IsValid)
            .WithMessage(q => $"Target '{q.Target}' is not one of: {string.Join(", ", ExplainTarget.Choices)}.").OverridePropertyName("target");
        RuleFor(q => q.TrueClass).Must(c => c is null || TaskSpec.Classes.Contains(c))
            .WithMessage(q => $"True class '{q.TrueClass}' is not one of: {string.Join(", ", TaskSpec.Classes)}.").OverridePropertyName("true_class");
        RuleFor(q => q.TrueClass).NotNull().When(q => q.Target == ExplainTarget.True)
            .WithMessage("Explaining the true class needs the sample's true class.").OverridePropertyName("true_class");
        // The same shape rules as a prediction, field by field.
        RuleFor(q => q).Custom((q, context) =>
        {
            foreach (var (field, message) in PredictValidator.SampleProblems(q.Sample)) context.AddFailure(field, message);
        });
    }
}

public sealed class ExplainPredictionInputHandler(IGrainFactory grains, CheckpointLoader loader, ExpensiveReads gate)
    : IQueryHandler<ExplainPredictionInputQuery, PredictionExplanation>
{
    public async ValueTask<PredictionExplanation> Handle(ExplainPredictionInputQuery query, CancellationToken ct)
    {
        var info = await ServedModelLookup.InfoAsync(grains, query.Model);
        var version = ServedModelLookup.Versions(info, [query.Version])[0];
        // Keyed by the version's checkpoint hash and the sample's content: the same upload explained again (a reload,
        // the same dataset sample picked twice) is answered from memory.
        var key = $"upload/{version.Sha256}/{ContentHash(query.Sample)}/{query.Target}/{query.TrueClass}";
        return await gate.RunAsync(key, token => Task.Run(() => Explain(query, version), token), ct);
    }

    private PredictionExplanation Explain(ExplainPredictionInputQuery query, ModelVersionInfo version)
    {
        using var loaded = loader.Load(version.CheckpointPath, CPU);
        // The registry checked the hash when the version was registered; a file replaced since must not explain under its name.
        if (!string.Equals(loaded.Sha256, version.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                $"The checkpoint of version {version.Version} of '{query.Model}' changed since it was registered (checksum {loaded.Sha256}, registered {version.Sha256}).");
        var meta = loaded.Metadata;
        var embedder = loader.EmbedderFor(meta, $"Model '{query.Model}' version {version.Version}");
        var transform = new ImageTransform(meta.ImageHeight, meta.ImageWidth);
        var label = query.TrueClass is { } known ? TaskSpec.ClassIndex(known) : 0;
        var sample = Prepare(query.Sample, embedder, transform) with { Id = "sample", Label = label };
        var target = ExplainTarget.ClassIndex(query.Target, label);
        var explained = SampleExplainer.Explain(loaded.Model, transform, CPU, [sample], [target])[0];
        return new PredictionExplanation(query.Model, version.Version, meta.ArchitectureName,
            explained with { Split = "", TrueClass = query.TrueClass ?? "" }, ExplainSession.Notes(loaded.Model));
    }

    /// <summary>The sample prepared exactly as serving prepares it; an image that does not decode is refused naming its field.</summary>
    private static DatasetSample Prepare(PredictionInput input, IEmbedder embedder, ImageTransform transform)
    {
        var field = "frame1";
        try
        {
            var frame1 = input.Frame1.ToRgbImage();
            field = "frame2";
            var frame2 = input.Frame2.ToRgbImage();
            field = "ocr_viz";
            var ocrViz = input.OcrViz.ToRgbImage();
            field = "";
            return CaptionDataset.PrepareSingle(frame1, frame2, ocrViz, input.SpatialFeatures, embedder, transform, input.CaptionBox, input.FontEmbedding);
        }
        catch (Exception e) when (e is DatasetFormatException or InvalidDataException or InvalidOperationException or ArgumentException)
        {
            // A dataset format error already names its field; a decoding error is named here.
            var detail = e is DatasetFormatException || field.Length == 0 ? e.Message : $"field '{field}': {e.Message}";
            throw DomainException.Invalid($"The sample cannot be explained: {detail}");
        }
    }


    private static string ContentHash(PredictionInput input)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var image in new[] { input.Frame1, input.Frame2, input.OcrViz })
        {
            hash.AppendData(BitConverter.GetBytes(image.Height));
            hash.AppendData(BitConverter.GetBytes(image.Width));
            hash.AppendData(BitConverter.GetBytes(image.Encoded?.Length ?? -1));
            if (image.Encoded is { } bytes) hash.AppendData(bytes);
            hash.AppendData(BitConverter.GetBytes(image.Pixels?.Length ?? -1));
            if (image.Pixels is { } pixels) hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.AsSpan()));
        }
        foreach (var vector in new[] { input.SpatialFeatures, input.CaptionBox, input.FontEmbedding })
        {
            hash.AppendData(BitConverter.GetBytes(vector?.Length ?? -1));
            if (vector is not null) hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
