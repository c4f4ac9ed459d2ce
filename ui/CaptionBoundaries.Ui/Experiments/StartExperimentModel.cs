using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Grains;

namespace CaptionBoundaries.Ui.Experiments;

/// <summary>The start form's editable state; <see cref="ToCommand"/> is what the API would receive as JSON.</summary>
public sealed class StartExperimentModel
{
    public string Name { get; set; } = "";
    public string Architecture { get; set; } = "";
    public List<ConfigRow> ModelConfig { get; set; } = [];
    public double LearningRate { get; set; } = 1e-3;
    public int BatchSize { get; set; } = 16;
    public int Epochs { get; set; } = 5;
    public int ImageSize { get; set; } = 64;
    public string DatasetFolder { get; set; } = "";
    public string Augmentation { get; set; } = "none";
    public string Embedder { get; set; } = "glyph_profile";

    public StartExperimentCommand ToCommand() => new(new ExperimentSpec
    {
        Name = Name.Trim(),
        Architecture = Architecture,
        DatasetFolder = DatasetFolder.Trim(),
        // Rows left blank are ignored; later rows win, as repeated -m key=value does on the CLI.
        ModelConfig = ModelConfig.Where(r => !string.IsNullOrWhiteSpace(r.Key))
            .GroupBy(r => r.Key.Trim()).ToDictionary(g => g.Key, g => g.Last().Value.Trim()),
        LearningRate = LearningRate,
        BatchSize = BatchSize,
        Epochs = Epochs,
        ImageSize = ImageSize,
        Augmentation = Augmentation,
        Embedder = Embedder,
    });
}
