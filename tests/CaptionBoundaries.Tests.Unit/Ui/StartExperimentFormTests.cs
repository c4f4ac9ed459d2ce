using Bunit;
using CaptionBoundaries.Application.Features.Datasets;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Tests.Support;
using CaptionBoundaries.Ui.Experiments;

namespace CaptionBoundaries.Tests.Ui;

public sealed class StartExperimentFormTests : IDisposable
{
    private readonly UiTestContext _ctx = new();
    private readonly TempFolder _dataset = new("cb-ui-dataset");

    public StartExperimentFormTests()
    {
        // The validator only checks that the folder holds a manifest; the form never reads it.
        File.WriteAllText(Path.Combine(_dataset.Path, "manifest.json"), "{}");
        _ctx.Sender.On<StartExperimentCommand, ExperimentInfo>(c =>
            new ExperimentInfo(Guid.NewGuid(), c.Spec.Name, ExperimentStatus.Queued, null, 0, c.Spec.Epochs, null, null, null, DateTime.UtcNow, null, null));
    }

    private IRenderedComponent<StartExperimentForm> Render() =>
        _ctx.Render<StartExperimentForm>(p => p
            .Add(f => f.Catalog, UiTestContext.Catalog)
            .Add(f => f.Datasets, [new DatasetSummary("demo", _dataset.Path, 10, 96, 64, [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], null)]));

    private static void Enter(IRenderedComponent<StartExperimentForm> form, string field, string value) =>
        form.Find($"[data-field={field}] input").Change(value);

    private static string ErrorsAt(IRenderedComponent<StartExperimentForm> form, string field) =>
        string.Join(" | ", form.FindAll($".field-error[data-field={field}]").Select(e => e.TextContent));

    [Fact]
    public void An_invalid_learning_rate_is_named_at_its_field_as_soon_as_it_is_entered()
    {
        var form = Render();

        Enter(form, FormFields.LearningRate, "0");

        Assert.Contains("'lr' must be greater than '0'", ErrorsAt(form, FormFields.LearningRate));
        Assert.Empty(form.FindAll($".field-error[data-field={FormFields.BatchSize}]"));
    }

    [Fact]
    public void Submitting_invalid_values_names_each_field_and_sends_nothing()
    {
        var form = Render();
        Enter(form, FormFields.BatchSize, "0");
        Enter(form, FormFields.ImageSize, "8");
        Enter(form, FormFields.Dataset, Path.Combine(_dataset.Path, "missing"));

        form.Find("form#start-experiment").Submit();

        Assert.Contains("'batch_size' must be between 1 and 4096", ErrorsAt(form, FormFields.BatchSize));
        Assert.Contains("must be between 32 and 2048", ErrorsAt(form, FormFields.ImageSize));
        Assert.Contains("is not a dataset folder (no manifest.json in it)", ErrorsAt(form, FormFields.Dataset));
        Assert.Empty(_ctx.Sender.SentOf<StartExperimentCommand>());
    }

    [Fact]
    public void A_learning_rate_that_is_not_a_number_is_refused_at_its_field()
    {
        var form = Render();

        Enter(form, FormFields.LearningRate, "fast");
        form.Find("form#start-experiment").Submit();

        Assert.Contains("'fast' is not a number", ErrorsAt(form, FormFields.LearningRate));
        Assert.Empty(_ctx.Sender.SentOf<StartExperimentCommand>());
    }

    [Fact]
    public void A_valid_form_sends_the_start_command_with_the_seeded_config_and_the_entered_values()
    {
        var form = Render();
        Enter(form, FormFields.Name, "ui-run");
        Enter(form, FormFields.LearningRate, "3e-3");
        Enter(form, FormFields.BatchSize, "8");
        Enter(form, FormFields.Epochs, "2");
        form.Find("input[name=config-width]").Change("16");

        form.Find("form#start-experiment").Submit();

        var spec = Assert.Single(_ctx.Sender.SentOf<StartExperimentCommand>()).Spec;
        Assert.Equal("ui-run", spec.Name);
        Assert.Equal("tiny_cnn", spec.Architecture);
        Assert.Equal(0.003, spec.LearningRate, 10);
        Assert.Equal(8, spec.BatchSize);
        Assert.Equal(2, spec.Epochs);
        Assert.Equal((64, 64), (spec.ImageHeight, spec.ImageWidth));
        Assert.Equal(_dataset.Path, spec.DatasetFolder);
        Assert.Equal(new Dictionary<string, string> { ["width"] = "16", ["dropout"] = "0.1" }, spec.ModelConfig);
        form.WaitForAssertion(() => Assert.Contains("Queued", form.Find("#start-result").TextContent));
        Assert.Empty(form.FindAll(".field-error"));
    }

    [Fact]
    public void A_config_value_the_architecture_refuses_is_shown_at_the_config_rows()
    {
        _ctx.Sender.On<StartExperimentCommand, ExperimentInfo>(_ => throw new ModelConfigException("width", "width must be a positive integer, got 'wide'."));
        var form = Render();
        form.Find("input[name=config-width]").Change("wide");

        form.Find("form#start-experiment").Submit();

        form.WaitForAssertion(() => Assert.Contains("width must be a positive integer", ErrorsAt(form, FormFields.ModelConfig)));
    }

    public void Dispose()
    {
        _ctx.Dispose();
        _dataset.Dispose();
    }
}
