using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.TestPlugin.TinyCnn;

/// <summary>
/// tiny_test_cnn: a test-only architecture small enough that training tests reach convergence on a
/// 2-core CPU in seconds, so they can assert that training actually learns rather than just runs.
/// </summary>
public sealed class TinyTestCnnArchitecture : IModelArchitecture, IChecksModelConfig
{
    public const string ArchitectureName = "tiny_test_cnn";

    public string Name => ArchitectureName;

    public string Description =>
        "Test-only tiny CNN: frame1, frame2, ocr_viz and frame1-frame2 stacked to 12 channels, three small conv " +
        "blocks, average+max pooling, then the spatial features and font embedding into a two-layer head.";

    public ModelConfig DefaultConfig => new(("width", "16"), ("dropout", "0.0"));

    public CaptionBoundaryModel Create(ModelConfig config) =>
        new TinyTestCnnModel(Width(config), Dropout(config));

    public void CheckConfig(ModelConfig config)
    {
        Width(config);
        Dropout(config);
    }

    private static int Width(ModelConfig config) => config.GetInt("width", 1, 1024);

    private static double Dropout(ModelConfig config) => config.GetDouble("dropout", 0.0, 0.99);
}
