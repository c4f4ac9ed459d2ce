using CaptionBoundaries.Domain.Plugins;

namespace CaptionBoundaries.Tests.Plugins;

public class ShippedPluginsTests
{
    [Fact]
    public void ShippedPluginsFolderLoadsWithoutErrors()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "plugins");
        Assert.True(Directory.Exists(folder), $"The build should copy the shipped plugins to '{folder}'.");
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = folder, WatchForChanges = false });

        registry.LoadAll();

        Assert.True(registry.Errors.Count == 0, string.Join(Environment.NewLine, registry.Errors.Select(e => e.Message)));
        Assert.Equal(
            ["channel_fusion_lora_resnet50", "shared_backbone_resnet50", "triple_backbone_resnet50"],
            registry.Architectures.Select(a => a.Name).Order());
        Assert.Contains(registry.Embedders, e => e.Name == "glyph_profile" && e.OutputDimension == 64);
        Assert.Equal(["caption_safe_geometric", "mirror_tile", "none", "photometric_jitter"], registry.Augmentations.Select(a => a.Name).Order());

        foreach (var a in registry.Architectures)
        {
            Assert.StartsWith(folder, a.PluginFile);
            Assert.False(string.IsNullOrWhiteSpace(a.Description), $"architecture '{a.Name}' has no description");
            Assert.Same(a.Architecture, registry.GetArchitecture(a.Name));
        }
        foreach (var e in registry.Embedders)
        {
            Assert.Same(e.Embedder, registry.GetEmbedder(e.Name));
            Assert.True(e.OutputDimension > 0);
        }
        foreach (var g in registry.Augmentations)
        {
            Assert.Same(g.Augmentation, registry.GetAugmentation(g.Name));
        }
    }
}
