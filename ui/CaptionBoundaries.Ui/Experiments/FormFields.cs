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

    // The training recipe (the form's collapsed "Recipe" section), by the validator's field names.
    public const string LrSchedule = "lr_schedule";
    public const string WarmupSteps = "warmup_steps";
    public const string LrStepEpochs = "lr_step_epochs";
    public const string LrGamma = "lr_gamma";
    public const string EarlyStoppingPatience = "early_stopping_patience";
    public const string EarlyStoppingMinDelta = "early_stopping_min_delta";
    public const string GradClipNorm = "grad_clip_norm";
    public const string ClassWeighting = "class_weighting";
    public const string LabelSmoothing = "label_smoothing";
    public const string GradAccumulationSteps = "grad_accumulation_steps";
    public const string MixedPrecision = "mixed_precision";
    public const string LogEveryNSteps = "log_every_n_steps";

    /// <summary>
    /// The form has one image-size input for the spec's square size; the validator checks height and width. The run's
    /// memory estimate (batch x image size against the node's limit) shows under the batch size, the usual thing to lower.
    /// A config value the architecture refuses ("model_config.lora_rank") shows at the config rows; its message names the key.
    /// </summary>
    public static string ForProperty(string property) => property switch
    {
        "image_height" or "image_width" => ImageSize,
        "memory" => BatchSize,
        _ when property.StartsWith(ModelConfig + ".", StringComparison.Ordinal) => ModelConfig,
        _ => property,
    };
}
