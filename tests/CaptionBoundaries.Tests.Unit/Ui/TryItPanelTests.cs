using Bunit;
using CaptionBoundaries.Application.Features.Datasets;
using CaptionBoundaries.Application.Features.Explain;
using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Explain;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Ui.Models;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Components.Forms;
using Radzen.Blazor;

namespace CaptionBoundaries.Tests.Ui;

/// <summary>
/// The Models page's try-it panel: what it sends (PredictCommand with the bytes chosen, the explanation for the version
/// that answered) and what it shows (probabilities, version, latency, overlays), for uploads and for validation samples.
/// </summary>
public sealed class TryItPanelTests : IDisposable
{
    private static readonly Guid Run = Guid.Parse("7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d");
    private static readonly byte[] Png = new RgbImage(4, 4).EncodePng();
    private static readonly byte[] OtherPng = new RgbImage(4, 4, Enumerable.Repeat((byte)90, 48).ToArray()).EncodePng();
    private static readonly float[] Features = Enumerable.Range(1, TaskSpec.SpatialFeatureCount).Select(i => i / 100f).ToArray();
    private static readonly DateTime At = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly UiTestContext _ctx = new();
    private readonly ValidationSampleInput _sample = new("demo", "run 7a6b5c4d", 3, 10, "val_3", "empty_valid",
        new PredictionInput(InputImage.FromEncoded(Png), InputImage.FromEncoded(OtherPng), InputImage.FromEncoded(Png), Features, [0.1f, 0.2f, 0.6f, 0.4f]));

    public TryItPanelTests()
    {
        _ctx.Sender
            .On<PredictCommand, PredictionBatch>(c => Answer(c.Model, c.Options.Version ?? 1))
            .On<ExplainPredictionInputQuery, PredictionExplanation>(q => new PredictionExplanation(q.Model, q.Version, "tiny_cnn",
                new ExplainedSample("sample", "", null, q.TrueClass ?? "", "different", 0.62, Probabilities("different"), "different",
                    GradCam.ImageInputs.Select(i => new ExplainedMap(i, GradCam.GradCamMethod, "features", [], 1.0, Png, OtherPng, OtherPng)).ToList()),
                ["tiny_cnn: one shared map."]))
            .On<GetVersionDatasetQuery, VersionDataset>(q => (q.Version ?? 1) == 1
                ? new VersionDataset(q.Model, 1, Run, "demo", 10, null)
                : new VersionDataset(q.Model, q.Version!.Value, null, null, 0, $"Version {q.Version} of '{q.Model}' was not trained in a tracked run (an uploaded checkpoint): pick a dataset."))
            .On<GetValidationSampleQuery, ValidationSampleInput>(q => _sample with { Index = q.Index, Source = q.DatasetFolder is { } d ? $"datasets/{d}" : "run 7a6b5c4d" });
    }

    public void Dispose() => _ctx.Dispose();

    private static Dictionary<string, double> Probabilities(string predicted) =>
        TaskSpec.Classes.ToDictionary(c => c, c => c == predicted ? 0.62 : 0.095);

    private static PredictionBatch Answer(string model, int version) =>
        new(model, version, [new PredictionOutput(model, version, "different", 0.62, Probabilities("different"), 12.5)], 12.5);

    private static ModelInfo Model() => new("captioner",
        [
            new ModelVersionInfo(1, "/registry/1.pt", "sha1", "tiny_cnn", Run, 0.6, At),
            new ModelVersionInfo(2, "/registry/2.pt", "sha2", "tiny_cnn", null, null, At),
            new ModelVersionInfo(3, "/registry/3.pt", "sha3", "tiny_cnn", null, null, At),
        ],
        1, new Dictionary<string, int> { ["production"] = 1 }, [1], ArchivedVersions: [3]);

    private IRenderedComponent<TryItPanel> Render() => _ctx.Render<TryItPanel>(p => p
        .Add(x => x.Models, [Model()])
        .Add(x => x.Datasets, [new DatasetSummary("demo", "/data/datasets/demo", 20, 64, 48, [3, 3, 3, 3, 3], [1, 1, 1, 1, 1], null)]));

    private static void Upload(IRenderedComponent<TryItPanel> panel, int field, byte[] bytes, string name) =>
        panel.FindComponents<InputFile>()[field].UploadFiles(InputFileContent.CreateFromBinary(bytes, name, contentType: "image/png"));

    private static void TypeFeatures(IRenderedComponent<TryItPanel> panel, string text) => panel.Find("textarea[name=tryit-spatial]").Change(text);

    [Fact]
    public void Uploaded_images_and_typed_features_are_predicted_and_the_answer_shown_with_its_version_latency_and_overlays()
    {
        var panel = Render();
        Upload(panel, 0, Png, "f1.png");
        Upload(panel, 1, OtherPng, "f2.png");
        Upload(panel, 2, Png, "ocr.png");
        Assert.Equal(3, panel.FindAll("#tryit-uploads img.cb-tryit-thumb").Count);
        TypeFeatures(panel, "[" + string.Join(", ", Features.Select(f => f.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]");
        panel.Find("input[name=tryit-caption-box]").Change("0.1 0.2 0.6 0.4");

        panel.Find("#tryit-predict").Click();

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("#tryit-explanation [data-sample]")));
        var sent = Assert.Single(_ctx.Sender.SentOf<PredictCommand>());
        Assert.Equal(("captioner", null, false), (sent.Model, sent.Options.Version, sent.Batch));
        var input = Assert.Single(sent.Samples);
        Assert.Equal(Png, input.Frame1.Encoded);
        Assert.Equal(OtherPng, input.Frame2.Encoded);
        Assert.Equal(Png, input.OcrViz.Encoded);
        Assert.Equal(Features, input.SpatialFeatures);
        Assert.Equal([0.1f, 0.2f, 0.6f, 0.4f], input.CaptionBox!);

        Assert.Equal("1", panel.Find("#tryit-result [data-field=version]").TextContent);
        Assert.Equal("different", panel.Find("#tryit-result [data-field=predicted]").TextContent);
        Assert.Equal("12.5", panel.Find("#tryit-result [data-field=latency]").TextContent);
        var rows = panel.FindAll("[data-table=probabilities] tr[data-class]");
        Assert.Equal(TaskSpec.Classes, rows.Select(r => r.GetAttribute("data-class")));
        Assert.Equal("0.620", panel.Find("[data-table=probabilities] tr[data-class=different] [data-field=probability]").TextContent);
        var chart = panel.FindComponent<ProbabilitiesChart>();
        Assert.Equal(Probabilities("different"), chart.Instance.Probabilities);
        Assert.NotEmpty(chart.FindAll("[data-chart=probabilities] svg"));

        // The overlays are of the version that answered, for the bytes that were sent, and no label is claimed.
        var explained = Assert.Single(_ctx.Sender.SentOf<ExplainPredictionInputQuery>());
        Assert.Equal((1, ExplainTarget.Predicted, (string?)null), (explained.Version, explained.Target, explained.TrueClass));
        Assert.Same(input, explained.Sample);
        Assert.Equal(3, panel.FindAll("#tryit-explanation figure[data-method=grad_cam]").Count);
        Assert.Empty(panel.FindAll("#tryit-explanation [data-field=true]"));
        Assert.Contains("one shared map", panel.Find("#tryit-explanation").TextContent);
    }

    [Fact]
    public void A_file_that_is_no_png_or_jpeg_or_too_large_is_refused_at_its_field_and_nothing_is_sent()
    {
        var panel = Render();
        Upload(panel, 0, "GIF89a......"u8.ToArray(), "cat.gif");
        Assert.Contains("'cat.gif' is not a PNG or JPEG image", panel.Find("[data-field=frame1] .field-error").TextContent);
        Upload(panel, 1, new byte[TryItPanel.MaxImageBytes + 1], "huge.png");
        Assert.Contains("at most", panel.Find("[data-field=frame2] .field-error").TextContent);
        Upload(panel, 2, Png, "ocr.png");
        TypeFeatures(panel, string.Join(",", Features));

        panel.Find("#tryit-predict").Click();

        Assert.Contains("Choose an image for frame1, frame2", panel.Find(".cb-error").TextContent);
        Assert.Empty(_ctx.Sender.SentOf<PredictCommand>());
    }

    [Fact]
    public void Features_that_are_not_numbers_are_named_before_anything_is_sent()
    {
        var panel = Render();
        for (var i = 0; i < 3; i++) Upload(panel, i, Png, $"{i}.png");
        TypeFeatures(panel, "0.1, 0.2, zero");

        panel.Find("#tryit-predict").Click();

        Assert.Contains("spatial_features: 'zero' (value 3) is not a number", panel.Find(".cb-error").TextContent);
        Assert.Empty(_ctx.Sender.SentOf<PredictCommand>());
    }

    [Fact]
    public void The_validators_words_are_shown_when_the_command_refuses_the_sample()
    {
        _ctx.Sender.On<PredictCommand, PredictionBatch>(_ => throw new ValidationException(
            [new ValidationFailure("spatial_features", "spatial_features must have exactly 20 values, got 2.")]));
        var panel = Render();
        for (var i = 0; i < 3; i++) Upload(panel, i, Png, $"{i}.png");
        TypeFeatures(panel, "1, 2");

        panel.Find("#tryit-predict").Click();

        Assert.Contains("spatial_features: spatial_features must have exactly 20 values, got 2.", panel.Find(".cb-error").TextContent);
        Assert.Empty(panel.FindAll("#tryit-result"));
        Assert.Empty(_ctx.Sender.SentOf<ExplainPredictionInputQuery>());
    }

    [Fact]
    public async Task A_chosen_version_answers_and_archived_versions_are_not_offered()
    {
        var panel = Render();
        var versions = panel.FindComponents<RadzenDropDown<int>>().Single(d => d.Instance.Name == "tryit-version");
        Assert.Equal([0, 2, 1], ((IEnumerable<object>)versions.Instance.Data!).Select(c => (int)c.GetType().GetProperty("Value")!.GetValue(c)!));
        await panel.InvokeAsync(() => versions.Instance.ValueChanged.InvokeAsync(2));
        for (var i = 0; i < 3; i++) Upload(panel, i, Png, $"{i}.png");
        TypeFeatures(panel, string.Join(",", Features));

        panel.Find("#tryit-predict").Click();

        panel.WaitForAssertion(() => Assert.Single(_ctx.Sender.SentOf<ExplainPredictionInputQuery>()));
        Assert.Equal(2, Assert.Single(_ctx.Sender.SentOf<PredictCommand>()).Options.Version);
        Assert.Equal(2, _ctx.Sender.SentOf<ExplainPredictionInputQuery>().Single().Version);
        Assert.Equal("2", panel.Find("#tryit-result [data-field=version]").TextContent);
    }

    [Fact]
    public async Task A_validation_sample_of_the_versions_run_is_loaded_predicted_and_explained_with_its_label()
    {
        var panel = Render();
        var mode = panel.FindComponent<RadzenRadioButtonList<string>>();
        await panel.InvokeAsync(() => mode.Instance.ValueChanged.InvokeAsync("sample"));

        Assert.Equal(("captioner", (int?)null), _ctx.Sender.SentOf<GetVersionDatasetQuery>().Select(q => (q.Model, q.Version)).Single());
        Assert.Contains("Validation split of demo", panel.Find("#tryit-source").TextContent);
        Assert.DoesNotContain(panel.FindComponents<RadzenDropDown<string>>(), d => d.Instance.Name == "tryit-dataset-folder");
        var index = panel.FindComponent<RadzenNumeric<int>>();
        Assert.Equal(9, index.Instance.Max);
        await panel.InvokeAsync(() => index.Instance.ValueChanged.InvokeAsync(3));
        panel.Find("#tryit-load-sample").Click();

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-sample=val_3]")));
        Assert.Equal(("captioner", (int?)null, (string?)null, 3), _ctx.Sender.SentOf<GetValidationSampleQuery>().Select(q => (q.Model, q.Version, q.DatasetFolder, q.Index)).Single());
        Assert.Equal("empty_valid", panel.Find("[data-sample=val_3] [data-field=true]").TextContent);
        Assert.Equal(3, panel.FindAll("[data-sample=val_3] img").Count);

        panel.Find("#tryit-predict").Click();

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("#tryit-explanation [data-sample]")));
        Assert.Same(_sample.Input, Assert.Single(Assert.Single(_ctx.Sender.SentOf<PredictCommand>()).Samples));
        Assert.Equal("empty_valid", _ctx.Sender.SentOf<ExplainPredictionInputQuery>().Single().TrueClass);
        Assert.Contains("labelled empty_valid", panel.Find("#tryit-result").TextContent);
        Assert.Equal("empty_valid", panel.Find("#tryit-explanation [data-field=true]").TextContent);
    }

    [Fact]
    public async Task A_version_without_a_run_offers_the_datasets_folder_instead()
    {
        var panel = Render();
        var versions = panel.FindComponents<RadzenDropDown<int>>().Single(d => d.Instance.Name == "tryit-version");
        await panel.InvokeAsync(() => versions.Instance.ValueChanged.InvokeAsync(2));
        await panel.InvokeAsync(() => panel.FindComponent<RadzenRadioButtonList<string>>().Instance.ValueChanged.InvokeAsync("sample"));

        Assert.Contains("not trained in a tracked run", panel.Find("#tryit-source").TextContent);
        Assert.True(panel.Find("#tryit-load-sample").HasAttribute("disabled"));
        var datasets = panel.FindComponents<RadzenDropDown<string>>().Single(d => d.Instance.Name == "tryit-dataset-folder");
        Assert.Equal(["demo"], (IEnumerable<string>)datasets.Instance.Data!);
        await panel.InvokeAsync(() => datasets.Instance.ValueChanged.InvokeAsync("demo"));
        panel.Find("#tryit-load-sample").Click();

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-sample=val_3]")));
        Assert.Equal(("captioner", (int?)2, "demo", 0), _ctx.Sender.SentOf<GetValidationSampleQuery>().Select(q => (q.Model, q.Version, q.DatasetFolder, q.Index)).Single());
        Assert.Contains("datasets/demo", panel.Find("[data-sample=val_3]").TextContent);
    }

    [Fact]
    public void A_busy_node_leaves_the_answer_on_screen_and_says_the_overlays_were_not_made()
    {
        _ctx.Sender.On<ExplainPredictionInputQuery, PredictionExplanation>(_ => throw new ServerBusyException("This node is already computing or queueing 10 explanations or benchmarks; retry shortly."));
        var panel = Render();
        for (var i = 0; i < 3; i++) Upload(panel, i, Png, $"{i}.png");
        TypeFeatures(panel, string.Join(",", Features));

        panel.Find("#tryit-predict").Click();

        panel.WaitForAssertion(() => Assert.Contains("retry shortly", panel.Find("#tryit-explanation .cb-error").TextContent));
        Assert.Equal("1", panel.Find("#tryit-result [data-field=version]").TextContent);
    }
}
