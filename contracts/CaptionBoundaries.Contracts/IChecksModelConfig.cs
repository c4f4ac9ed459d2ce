namespace CaptionBoundaries.Contracts;

/// <summary>
/// Optional, for an <see cref="IModelArchitecture"/>: checks a config's values without building the module, so a run
/// with a value <see cref="IModelArchitecture.Create"/> would refuse (a rank of -3, a dropout of 2) is refused when it
/// is submitted, naming the key, instead of failing in its worker later. An architecture that does not implement it is
/// checked by building its module once, without pretrained weights, when the node estimates the run's memory.
/// </summary>
public interface IChecksModelConfig
{
    /// <summary>
    /// Throws <see cref="ModelConfigException"/> naming the first bad key. <paramref name="config"/> is the defaults merged
    /// with the user's values. Reads no files: whether a weights path may be read is the platform's rule, checked apart.
    /// </summary>
    void CheckConfig(ModelConfig config);
}
