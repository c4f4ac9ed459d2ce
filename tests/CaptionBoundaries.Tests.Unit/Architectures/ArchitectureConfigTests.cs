using CaptionBoundaries.Contracts;
using CaptionBoundaries.Plugins.Architectures;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Architectures;

[Collection(ArchitectureCollection.Name)]
public class ArchitectureConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("arch-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly string[] AllNames =
        [TripleBackboneResNet50.ArchitectureName, SharedBackboneResNet50.ArchitectureName, ChannelFusionLoRAResNet50.ArchitectureName];

    public static TheoryData<string> ArchitectureNames => new(AllNames);

    private static IModelArchitecture ByName(string name) => name switch
    {
        TripleBackboneResNet50.ArchitectureName => new TripleBackboneResNet50(),
        SharedBackboneResNet50.ArchitectureName => new SharedBackboneResNet50(),
        _ => new ChannelFusionLoRAResNet50(),
    };

    [Fact]
    public void PluginAssemblyExposesTheThreeArchitecturesWithParameterlessConstructors()
    {
        var types = typeof(TripleBackboneResNet50).Assembly.GetTypes()
            .Where(t => typeof(IModelArchitecture).IsAssignableFrom(t) && t is { IsAbstract: false, IsPublic: true })
            .ToList();
        Assert.All(types, t => Assert.NotNull(t.GetConstructor(Type.EmptyTypes)));
        var names = types.Select(t => ((IModelArchitecture)Activator.CreateInstance(t)!).Name).Order().ToList();
        Assert.Equal(AllNames.Order(), names);
    }

    [Theory]
    [MemberData(nameof(ArchitectureNames))]
    public void DefaultsAndDescriptionsAreComplete(string name)
    {
        var architecture = ByName(name);
        Assert.Equal("", architecture.DefaultConfig.GetString("pretrained"));
        Assert.Equal(0.2, architecture.DefaultConfig.GetDouble("dropout"));
        Assert.Contains("parameters", architecture.Description);
        Assert.Contains("ResNet-50", architecture.Description);
    }

    [Theory]
    [MemberData(nameof(ArchitectureNames))]
    public void MissingPretrainedFileIsAConfigErrorNamingTheFile(string name)
    {
        var architecture = ByName(name);
        var missing = Path.Combine(_directory, "no-such-weights.bin");
        var error = Assert.Throws<ModelConfigException>(() => architecture.Create(ArchitectureTestData.Config(architecture, ("pretrained", missing))));
        Assert.Equal("pretrained", error.Key);
        Assert.Contains(missing, error.Message);
    }

    [Theory]
    [MemberData(nameof(ArchitectureNames))]
    public void DropoutOutOfRangeNamesTheKey(string name)
    {
        var architecture = ByName(name);
        var error = Assert.Throws<ModelConfigException>(() => architecture.Create(ArchitectureTestData.Config(architecture, ("dropout", "0.95"))));
        Assert.Equal("dropout", error.Key);
    }

    [Theory]
    [InlineData("lora_rank", "abc")]
    [InlineData("lora_rank", "0")]
    [InlineData("lora_rank", "2000")]
    [InlineData("lora_alpha", "0")]
    [InlineData("lora_alpha", "-1")]
    [InlineData("lora_alpha", "x")]
    public void BadLoRASettingsNameTheKey(string key, string value)
    {
        var architecture = new ChannelFusionLoRAResNet50();
        var error = Assert.Throws<ModelConfigException>(() => architecture.Create(ArchitectureTestData.Config(architecture, (key, value))));
        Assert.Equal(key, error.Key);
    }

    [Theory]
    [MemberData(nameof(ArchitectureNames))]
    public void PretrainedWeightsAreLoadedIntoEveryBackbone(string name)
    {
        var path = Path.Combine(_directory, "resnet50.bin");
        using var saved = new ResNet50Backbone();
        using (no_grad())
        {
            // Recognisable values, unlike any fresh initialisation.
            ArchitectureTestData.Parameters(saved)["conv1.weight"].fill_(0.125f);
            ArchitectureTestData.Parameters(saved)["layer4.2.bn3.bias"].fill_(-0.5f);
        }
        saved.save(path);
        var expected = ArchitectureTestData.Parameters(saved);

        var architecture = ByName(name);
        using var model = architecture.Create(ArchitectureTestData.Config(architecture, ("pretrained", path)));
        var backbones = model switch
        {
            TripleBackboneResNet50Model t => new[] { t.OcrBackbone, t.Frame1Backbone, t.Frame2Backbone },
            SharedBackboneResNet50Model s => [s.Backbone],
            ChannelFusionLoRAResNet50Model l => [l.Backbone],
            _ => throw new InvalidOperationException(model.GetType().Name),
        };
        foreach (var backbone in backbones)
        {
            var loaded = ArchitectureTestData.Parameters(backbone);
            Assert.True(loaded["conv1.weight"].IsExactly(expected["conv1.weight"]));
            Assert.True(loaded["layer4.2.bn3.bias"].IsExactly(expected["layer4.2.bn3.bias"]));
            Assert.True(loaded["layer2.1.conv2.weight"].IsExactly(expected["layer2.1.conv2.weight"]));
        }
        if (model is ChannelFusionLoRAResNet50Model lora)
        {
            // Loading must not unfreeze anything.
            Assert.Equal(new ChannelFusionLoRAResNet50().Create(ArchitectureTestData.Config(new ChannelFusionLoRAResNet50())).CountParameters(),
                lora.CountParameters());
        }
    }

    [Fact]
    public void AFileThatIsNotABackboneIsAConfigErrorNamingTheFile()
    {
        var path = Path.Combine(_directory, "not-weights.bin");
        File.WriteAllText(path, "not a TorchSharp state dict");
        var architecture = new SharedBackboneResNet50();
        var error = Assert.Throws<ModelConfigException>(() => architecture.Create(ArchitectureTestData.Config(architecture, ("pretrained", path))));
        Assert.Equal("pretrained", error.Key);
        Assert.Contains(path, error.Message);
    }
}
