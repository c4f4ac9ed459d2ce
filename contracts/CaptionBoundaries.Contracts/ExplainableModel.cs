using static TorchSharp.torch;

namespace CaptionBoundaries.Contracts;

/// <summary>How the output of an exposed module lines up with the image inputs it was computed from.</summary>
public enum FeatureMapLayout
{
    /// <summary>
    /// One map per sample, computed from the listed inputs together: a backbone over one input, or over several
    /// stacked as channels. With several inputs the one map explains all of them jointly (the same heatmap applies to each).
    /// </summary>
    Joint,

    /// <summary>
    /// The module ran once over the listed inputs concatenated along the batch dimension, in the listed order:
    /// the output's batch splits into one equal chunk per input (a backbone shared by several images).
    /// </summary>
    StackedOnBatch,
}

/// <summary>
/// A module whose output is the last convolutional stage, a (batch, C, h, w) feature map of some image inputs.
/// The host registers a forward hook on <see cref="Module"/>, so the architecture must invoke it through
/// <c>call</c>, not <c>forward</c> (TorchSharp runs hooks in <c>call</c> only), exactly once per forward pass.
/// </summary>
/// <param name="Name">Where the map comes from, e.g. <c>backbone.layer4</c>; shown beside the heatmaps.</param>
/// <param name="Inputs">Image input names from <see cref="TaskSpec"/> (frame1, frame2, ocr_viz).</param>
public sealed record ConvFeatureSource(string Name, nn.Module<Tensor, Tensor> Module, IReadOnlyList<string> Inputs, FeatureMapLayout Layout = FeatureMapLayout.Joint);

/// <summary>
/// A module whose output is spatial attention over an image input: non-negative weights of shape (batch, h, w), or
/// (batch, heads, h, w) whose heads are averaged. Hooked like <see cref="ConvFeatureSource"/>, so it too must be
/// invoked through <c>call</c> exactly once per forward pass. Token attention (e.g. a ViT's class-token row) is
/// exposed by a module that reshapes it onto the patch grid.
/// </summary>
public sealed record AttentionSource(string Name, nn.Module<Tensor, Tensor> Module, IReadOnlyList<string> Inputs, FeatureMapLayout Layout = FeatureMapLayout.Joint);

/// <summary>
/// Implemented by a <see cref="CaptionBoundaryModel"/> that can be explained with Grad-CAM: it names the module(s)
/// producing its last convolutional stage and which image inputs each covers. Every image input should be covered.
/// </summary>
public interface IExposesConvFeatures
{
    IReadOnlyList<ConvFeatureSource> LastConvStages { get; }
}

/// <summary>Implemented by a model with spatial attention worth showing next to its Grad-CAM heatmaps.</summary>
public interface IExposesAttention
{
    IReadOnlyList<AttentionSource> AttentionMaps { get; }
}
