using Bunit;
using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Features.Sweeps;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Ui;
using CaptionBoundaries.Ui.Services;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Ui;

/// <summary>
/// A bUnit context with the console's services, a <see cref="FakeSender"/> in place of the Mediator pipeline, and
/// the real validators, so the form is judged by the same rules as the API.
/// </summary>
public sealed class UiTestContext : BunitContext
{
    public UiTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        // Radzen charts measure their element through JS before drawing; loose mode would answer null and the chart throws.
        JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true)
            .SetResult(new Radzen.Blazor.Rendering.Rect { Width = 600, Height = 260 });
        Services.AddSingleton<ISender>(Sender);
        // The console sends each request as the signed-in account; here an admin.
        AddAuthorization().SetAuthorized("ui-tester").SetRoles(CaptionBoundaries.Domain.Security.Roles.Admin);
        // The forms' path checks run as the local operator here, so the tests' temp datasets count as datasets;
        // confining accounts to the data folder has its own tests (Security/HostilePathTests).
        Services.AddSingleton(new CaptionBoundaries.Domain.Security.DefaultActor(CaptionBoundaries.Domain.Security.Actor.LocalOperator));
        Services.AddScoped<CaptionBoundaries.Domain.Security.ActorContext>();
        Services.AddCaptionBoundariesUi(new ConfigurationBuilder().Build());
        Services.AddSingleton(new CaptionBoundaries.Domain.Common.CaptionBoundariesOptions());
        Services.AddScoped<CaptionBoundaries.Infrastructure.Security.Paths.RequestPaths>();
        Services.AddScoped<IValidator<CaptionBoundaries.Domain.Training.RunSpec>, CaptionBoundaries.Infrastructure.Training.RunSpecValidator>();
        Services.AddScoped<IValidator<StartExperimentCommand>, StartExperimentValidator>();
        Services.AddScoped<IValidator<RunBenchmarkCommand>, RunBenchmarkValidator>();
        Services.AddScoped<IValidator<StartSweepCommand>, StartSweepValidator>();
    }

    public FakeSender Sender { get; } = new();

    public static ModelCatalog Catalog { get; } = new(
        [new ArchitectureInfo("tiny_cnn", "A tiny CNN", "/plugins/Tiny/Tiny.dll", "1.0.0",
            new Dictionary<string, string> { ["width"] = "8", ["dropout"] = "0.1" }, 12_345, 12_345),
         new ArchitectureInfo("shared_backbone_resnet50", "Shared ResNet-50", "/plugins/Arch/Arch.dll", "1.0.0",
            new Dictionary<string, string> { ["pretrained"] = "" }, 30_400_000, 30_400_000)],
        [new EmbedderInfo("glyph_profile", "1", 64, "/plugins/Emb/Emb.dll")],
        [new AugmentationInfo("none", "No augmentation", "/plugins/Aug/Aug.dll"), new AugmentationInfo("photometric_jitter", "Jitter", "/plugins/Aug/Aug.dll")],
        [new PluginLoadError("/plugins/Broken/Broken.dll", "Broken.dll: not a .NET assembly")]);
}
