using System.Buffers.Binary;
using System.Net.Http.Json;
using CaptionBoundaries.Application.Features.Explain;
using CaptionBoundaries.Application.Features.Monitoring;
using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Explain;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Security.Paths;
using CaptionBoundaries.Tests.Support;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.TryIt;

/// <summary>
/// The handlers behind the console's try-it panel, through the real pipeline as a viewer: the version's validation
/// samples (as bytes), the datasets fallback, Grad-CAM of uploaded bytes by the version that answered, and what a
/// hostile viewer gets for bad bytes, other people's models and paths out of the datasets folder.
/// </summary>
[Collection(TryItCollection.Name)]
public sealed class TryItHandlerTests(TryItFixture fx)
{
    private const string Model = TryItFixture.Model;

    [Fact]
    public async Task A_trained_version_offers_its_runs_validation_split_and_a_sample_comes_as_its_files_bytes()
    {
        var validation = fx.Validation();
        var dataset = await fx.Send(TryItFixture.Viewer, new GetVersionDatasetQuery(Model, 1));
        Assert.Null(dataset.Unavailable);
        Assert.Equal((fx.RunId, validation.Count, 1), (dataset.ExperimentId!.Value, dataset.ValidationSamples, dataset.Version));
        // No version: the active one (production → v1).
        Assert.Equal(1, (await fx.Send(TryItFixture.Viewer, new GetVersionDatasetQuery(Model))).Version);

        var last = validation.Count - 1;
        var sample = await fx.Send(TryItFixture.Viewer, new GetValidationSampleQuery(Model, null, null, last));
        var expected = validation[last];
        Assert.Equal((expected.Id, expected.Label, last, validation.Count), (sample.SampleId, sample.TrueClass, sample.Index, sample.ValidationSamples));
        Assert.StartsWith("run ", sample.Source);
        var files = fx.Input(expected);
        Assert.Equal(files.Frame1.Encoded, sample.Input.Frame1.Encoded);
        Assert.Equal(files.OcrViz.Encoded, sample.Input.OcrViz.Encoded);
        Assert.Equal(expected.SpatialFeatures, sample.Input.SpatialFeatures);

        var beyond = await Refused.As(DomainErrorKind.Invalid, () => fx.Send(TryItFixture.Viewer, new GetValidationSampleQuery(Model, 1, null, validation.Count)));
        Assert.Contains($"0..{last}", beyond.Message);
        await Assert.ThrowsAsync<ValidationException>(() => fx.Send(TryItFixture.Viewer, new GetValidationSampleQuery(Model, 1, null, -1)));
    }

    [Fact]
    public async Task An_uploaded_version_has_no_run_and_a_dataset_under_datasets_stands_in()
    {
        var dataset = await fx.Send(TryItFixture.Viewer, new GetVersionDatasetQuery(Model, 2));
        Assert.Null(dataset.ExperimentId);
        Assert.Contains("not trained in a tracked run", dataset.Unavailable);
        var noRun = await Refused.As(DomainErrorKind.NotFound, () => fx.Send(TryItFixture.Viewer, new GetValidationSampleQuery(Model, 2, null, 0)));
        Assert.Equal(dataset.Unavailable, noRun.Message);

        var sample = await fx.Send(TryItFixture.Viewer, new GetValidationSampleQuery(Model, 2, "tryit", 0));
        Assert.Equal(("datasets/tryit", fx.Validation()[0].Id), (sample.Source, sample.SampleId));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../experiments")]
    [InlineData("/etc")]
    [InlineData("tryit/../..")]
    [InlineData("no-such-dataset")]
    public async Task A_dataset_name_that_leaves_the_datasets_folder_or_names_nothing_is_refused(string folder)
    {
        var e = await Record.ExceptionAsync(() => fx.Send(TryItFixture.Viewer, new GetValidationSampleQuery(Model, 2, folder, 0)));
        Assert.True(e is DomainException { Kind: DomainErrorKind.Invalid or DomainErrorKind.NotFound }, $"{e?.GetType().Name}: {e?.Message}");
    }

    [Fact]
    public async Task A_linked_dataset_folder_that_leads_out_of_the_data_folder_is_refused()
    {
        using var outside = new TempFolder("cb-tryit-outside");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = outside.Combine("secret"), SamplesPerClass = 2, Seed = 3, Width = 64, Height = 48 });
        var link = Path.Combine(fx.Factory.DataFolder, "datasets", "escape");
        Directory.CreateSymbolicLink(link, outside.Combine("secret"));
        try
        {
            var e = await Refused.As(DomainErrorKind.Invalid, () => fx.Send(TryItFixture.Viewer, new GetValidationSampleQuery(Model, 2, "escape", 0)));
            Assert.DoesNotContain(outside.Path, e.Message);
        }
        finally
        {
            Directory.Delete(link);
        }
    }

    [Fact]
    public async Task A_version_trained_in_someone_elses_private_run_does_not_lend_out_its_data()
    {
        var seen = await fx.Send(TryItFixture.Viewer, new GetVersionDatasetQuery(TryItFixture.BobsShared, 1));
        Assert.Contains("run you cannot see", seen.Unavailable);
        Assert.Equal(0, seen.ValidationSamples);
        await Refused.As(DomainErrorKind.NotFound, () => fx.Send(TryItFixture.Viewer, new GetValidationSampleQuery(TryItFixture.BobsShared, 1, null, 0)));

        // Its owner sees the same version with its data.
        var own = await fx.Send(TryItFixture.Bob, new GetVersionDatasetQuery(TryItFixture.BobsShared, 1));
        Assert.Null(own.Unavailable);
        Assert.Equal(fx.Validation()[0].Id, (await fx.Send(TryItFixture.Bob, new GetValidationSampleQuery(TryItFixture.BobsShared, 1, null, 0))).SampleId);
    }

    [Fact]
    public async Task Someone_elses_private_model_is_not_found_in_any_try_it_request()
    {
        var input = fx.Input(fx.Validation()[0]);
        var missing = await Refused.As(DomainErrorKind.NotFound, () => fx.Send(TryItFixture.Viewer, new GetVersionDatasetQuery("never-registered")));
        foreach (var request in new Func<Task>[]
                 {
                     () => fx.Send(TryItFixture.Viewer, new GetVersionDatasetQuery(TryItFixture.BobsPrivate)),
                     () => fx.Send(TryItFixture.Viewer, new GetValidationSampleQuery(TryItFixture.BobsPrivate, null, "tryit", 0)),
                     () => fx.Send(TryItFixture.Viewer, new ExplainPredictionInputQuery(TryItFixture.BobsPrivate, 1, input)),
                     () => fx.Send(TryItFixture.Viewer, new PredictCommand(TryItFixture.BobsPrivate, [input], PredictOptions.Default)),
                 })
        {
            var e = await Refused.As(DomainErrorKind.NotFound, request);
            Assert.Equal(missing.Message.Replace("never-registered", TryItFixture.BobsPrivate), e.Message);
        }
        // Bob explains his own.
        Assert.Equal(1, (await fx.Send(TryItFixture.Bob, new ExplainPredictionInputQuery(TryItFixture.BobsPrivate, 1, input))).Version);
    }

    [Fact]
    public async Task Uploaded_bytes_are_explained_by_the_version_that_answered_with_the_probabilities_it_served()
    {
        var sample = fx.Validation()[1];
        var input = fx.Input(sample);
        var served = await fx.Send(TryItFixture.Viewer, new PredictCommand(Model, [input], PredictOptions.Default));
        Assert.Equal(1, served.Version);

        var explanation = await fx.Send(TryItFixture.Viewer, new ExplainPredictionInputQuery(Model, served.Version, input));
        Assert.Equal((Model, 1, "tiny_test_cnn"), (explanation.Model, explanation.Version, explanation.ArchitectureName));
        // The same preparation as serving: the explaining forward pass gives the probabilities the version served.
        foreach (var c in TaskSpec.Classes)
            Assert.Equal(served.Predictions[0].Probabilities[c], explanation.Sample.Probabilities[c], 4);
        Assert.Equal(served.Predictions[0].PredictedClass, explanation.Sample.PredictedClass);
        Assert.Equal("", explanation.Sample.TrueClass);
        Assert.False(explanation.Sample.Misclassified);
        Assert.Equal(GradCam.ImageInputs, explanation.Sample.Maps.Select(m => m.Input));
        foreach (var map in explanation.Sample.Maps)
        {
            var overlay = RgbImage.Decode(map.OverlayPng);
            Assert.Equal((32, 32), (overlay.Width, overlay.Height));
        }
        Assert.NotEmpty(explanation.Notes);

        // Asked again (a reload), it is answered from memory; another version is its own explanation.
        var gate = fx.Factory.Services.GetRequiredService<ExpensiveReads>();
        var computed = gate.Computed;
        await fx.Send(TryItFixture.Viewer, new ExplainPredictionInputQuery(Model, served.Version, input));
        Assert.Equal(computed, gate.Computed);
        var byV2 = await fx.Send(TryItFixture.Viewer, new ExplainPredictionInputQuery(Model, 2, input, ExplainTarget.True, sample.Label));
        var servedByV2 = await fx.Send(TryItFixture.Viewer, new PredictCommand(Model, [input], new PredictOptions(Version: 2)));
        Assert.Equal(servedByV2.Predictions[0].Confidence, byV2.Sample.Confidence, 4);
        Assert.NotEqual(served.Predictions[0].Confidence, servedByV2.Predictions[0].Confidence, 6);
        Assert.Equal((sample.Label, sample.Label), (byV2.Sample.TrueClass, byV2.Sample.ExplainedClass));
    }

    [Fact]
    public async Task Hostile_uploads_are_refused_naming_the_field_and_the_node_keeps_answering()
    {
        var good = fx.Input(fx.Validation()[0]);
        var garbage = good with { Frame2 = InputImage.FromEncoded([0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5]) };
        var e = await Refused.As(DomainErrorKind.Invalid, () => fx.Send(TryItFixture.Viewer, new ExplainPredictionInputQuery(Model, 1, garbage)));
        Assert.Contains("frame2", e.Message);

        // A few bytes of PNG claiming 8000 x 8000 pixels (192 MB decoded): refused from the header, nothing decoded.
        var bomb = good with { OcrViz = InputImage.FromEncoded(ClaimingPixels(8000, 8000)) };
        await Assert.ThrowsAsync<InputTooLargeException>(() => fx.Send(TryItFixture.Viewer, new ExplainPredictionInputQuery(Model, 1, bomb)));

        // Planar pixels whose count does not match the size they claim, and too few features: the validator names them.
        var shapes = good with { Frame1 = InputImage.FromPixels(new float[10], 32, 32), SpatialFeatures = [1, 2, 3] };
        var invalid = await Assert.ThrowsAsync<ValidationException>(() => fx.Send(TryItFixture.Viewer, new ExplainPredictionInputQuery(Model, 1, shapes)));
        Assert.Equal(["frame1", "spatial_features"], invalid.Errors.Select(f => f.PropertyName).Order());

        var noLabel = await Assert.ThrowsAsync<ValidationException>(() => fx.Send(TryItFixture.Viewer, new ExplainPredictionInputQuery(Model, 1, good, ExplainTarget.True)));
        Assert.Contains(noLabel.Errors, f => f.PropertyName == "true_class");
        await Assert.ThrowsAsync<ValidationException>(() => fx.Send(TryItFixture.Viewer, new ExplainPredictionInputQuery("../etc", 1, good)));
        var version = await Refused.As(DomainErrorKind.NotFound, () => fx.Send(TryItFixture.Viewer, new ExplainPredictionInputQuery(Model, 99, good)));
        Assert.Contains("no version 99", version.Message);
        // Nobody without an account.
        await Assert.ThrowsAsync<NotAuthenticatedException>(() => fx.Send(Actor.Anonymous, new ExplainPredictionInputQuery(Model, 1, good)));

        Assert.Equal(3, (await fx.Send(TryItFixture.Viewer, new ExplainPredictionInputQuery(Model, 1, good))).Sample.Maps.Count);
    }

    [Fact]
    public async Task A_prediction_sent_as_the_console_sends_it_is_logged_for_monitoring()
    {
        var api = new ServerApiClient(fx.Admin, "test server");
        async Task<long> Logged()
        {
            await api.Post<PredictionLogStatistics>("api/monitoring/flush", new { }, CancellationToken.None);
            return (await api.Get<List<MonitoredModelSummary>>("api/monitoring/models", CancellationToken.None)).Single(m => m.Model == Model).Predictions;
        }
        var before = await Logged();
        await fx.Send(TryItFixture.Viewer, new PredictCommand(Model, [fx.Input(fx.Validation()[2])], PredictOptions.Default));
        Assert.Equal(before + 1, await Logged());
    }

    private static byte[] ClaimingPixels(int width, int height)
    {
        var png = new RgbImage(2, 2).EncodePng();
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        var crc = 0xFFFFFFFFu;
        foreach (var b in png.AsSpan(12, 17))
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), ~crc);
        return png;
    }
}
