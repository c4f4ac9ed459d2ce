namespace CaptionBoundaries.Ui.Experiments;

/// <summary>
/// The start form's fields, keyed by the property names the validators report (TrainModelValidator's
/// OverridePropertyName values), so every error lands under the input that caused it.
/// </summary>
public static class FormFields
{
    public const string Name = "name";
    public const string Architecture = "architecture";
    public const string ModelConfig = "model_config";
    public const string LearningRate = "lr";
    public const string BatchSize = "batch_size";
    public const string Epochs = "epochs";
    public const string ImageSize = "image_size";
    public const string Dataset = "dataset";
    public const string Augmentation = "augmentation";
    public const string Embedder = "embedder";

    /// <summary>
    /// The form has one image-size input for the spec's square size; the validator checks height and width. The run's
    /// memory estimate (batch x image size against the node's limit) shows under the batch size, the usual thing to lower.
    /// </summary>
    public static string ForProperty(string property) => property switch
    {
        "image_height" or "image_width" => ImageSize,
        "memory" => BatchSize,
        _ => property,
    };
}
