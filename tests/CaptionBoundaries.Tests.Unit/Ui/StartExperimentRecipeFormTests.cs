using Bunit;
using CaptionBoundaries.Application.Features.Datasets;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Tests.Support;
using CaptionBoundaries.Ui.Experiments;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Ui;

/// <summary>
/// The start form with the real shipped architectures behind its validator: a model config value the architecture refuses
/// (lora_rank=-3) is a field error at the config rows before anything is sent, and the collapsed recipe section's values
/// are checked by field and sent with the run.
/// </summary>
public sealed class StartExperimentRecipeFormTests : IDisposable
{
    private readonly UiTestContext _ctx = new();
    private readonly TempFolder _dataset = new("cb-ui-recipe");
    private readonly PluginRegistry _plugins = new(new PluginRegistryOptions { PluginsFolder = TestPaths.ShippedPlugins, WatchForChanges = false });

    private static readonly ModelCatalog LoraCatalog = new(
        [new ArchitectureInfo("channel_fusion_lora_resnet50", "LoRA", "/plugins/Arch/Arch.dll", "1.0.0",
            new Dictionary<string, string> { ["pretrained"] = "", ["dropout"] = "0.2", ["lora_rank"] = "16", ["lora_alpha"] = "16" }, 27_500_000, 4_000_000)],
        UiTestContext.Catalog.Embedders, UiTestContext.Catalog.Augmentations, []);

    public StartExperimentRecipeFormTests()
    {
        File.WriteAllText(Path.Combine(_dataset.Path, "manifest.json"), "{}");
        _plugins.LoadAll();
        _ctx.Services.AddSingleton(_plugins);
        _ctx.Sender.On<StartExperimentCommand, ExperimentInfo>(c =>
            new ExperimentInfo(Guid.NewGuid(), c.Spec.Name, ExperimentStatus.Queued, null, 0, c.Spec.Epochs, null, null, null, DateTime.UtcNow, null, null));
    }

    private IRenderedComponent<StartExperimentForm> Render() =>
        _ctx.Render<StartExperimentForm>(p => p
            .Add(f => f.Catalog, LoraCatalog)
            .Add(f => f.Datasets, [new DatasetSummary("demo", _dataset.Path, 10, 96, 64, [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], null)]));

    private static string ErrorsAt(IRenderedComponent<StartExperimentForm> form, string field) =>
        string.Join(" | ", form.FindAll($".field-error[data-field={field}]").Select(e => e.TextContent));

    [Fact]
    public void A_lora_rank_the_architecture_refuses_is_a_field_error_at_the_config_rows_and_nothing_is_sent()
    {
        var form = Render();

        form.Find("input[name=config-lora_rank]").Change("-3");

        Assert.Contains("model config 'lora_rank' must be between 1 and 1024, got -3", ErrorsAt(form, FormFields.ModelConfig));
        form.Find("form#start-experiment").Submit();
        Assert.Empty(_ctx.Sender.SentOf<StartExperimentCommand>());

        // Fixed, it goes.
        form.Find("input[name=config-lora_rank]").Change("8");
        Assert.Equal("", ErrorsAt(form, FormFields.ModelConfig));
        form.Find("form#start-experiment").Submit();
        Assert.Equal("8", Assert.Single(_ctx.Sender.SentOf<StartExperimentCommand>()).Spec.ModelConfig["lora_rank"]);
    }

    [Fact]
    public void A_recipe_value_out_of_range_is_named_at_its_field_and_opens_the_recipe_section()
    {
        var form = Render();
        Assert.False(form.Find("details#recipe").HasAttribute("open"));

        form.Find($"[data-field={FormFields.LabelSmoothing}] input").Change("1");
        form.Find($"[data-field={FormFields.GradAccumulationSteps}] input").Change("0");
        form.Find("form#start-experiment").Submit();

        Assert.Contains("label_smoothing must be in [0, 1)", ErrorsAt(form, FormFields.LabelSmoothing));
        Assert.Contains("grad_accumulation_steps must be between 1 and 1024", ErrorsAt(form, FormFields.GradAccumulationSteps));
        Assert.True(form.Find("details#recipe").HasAttribute("open"));
        Assert.Empty(_ctx.Sender.SentOf<StartExperimentCommand>());
    }

    [Fact]
    public void The_recipe_entered_is_sent_with_the_run_and_untouched_fields_keep_the_defaults()
    {
        var form = Render();
        form.Find($"[data-field={FormFields.WarmupSteps}] input").Change("20");
        form.Find($"[data-field={FormFields.EarlyStoppingPatience}] input").Change("3");
        form.Find($"[data-field={FormFields.GradClipNorm}] input").Change("1.5");

        form.Find("form#start-experiment").Submit();

        var recipe = Assert.Single(_ctx.Sender.SentOf<StartExperimentCommand>()).Spec.Recipe;
        Assert.Equal(Domain.Training.TrainingRecipe.Default with { WarmupSteps = 20, EarlyStoppingPatience = 3, GradClipNorm = 1.5 }, recipe);
    }

    public void Dispose()
    {
        _ctx.Dispose();
        _dataset.Dispose();
        _plugins.Dispose();
    }
}
