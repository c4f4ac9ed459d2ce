using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Plugins.Embedders;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Datasets;

public class CaptionDatasetTests(SyntheticDatasetFixture fixture) : IClassFixture<SyntheticDatasetFixture>
{
    private static readonly ImageTransform Transform = new(64, 64);

    [Fact]
    public void BatchesHaveTaskSpecShapesAfterTheTransformAndValuesInUnitRange()
    {
        var dataset = CaptionDataset.Load(fixture.Folder, new GlyphProfileFontEmbedder(), Transform);
        Assert.Equal(15, dataset.Train.Count);
        Assert.Equal(5, dataset.Validation.Count);
        Assert.Equal([3, 3, 3, 3, 3], dataset.TrainClassCounts);
        Assert.Equal([1, 1, 1, 1, 1], dataset.ValidationClassCounts);

        var batches = dataset.Batches(dataset.Train, 4, shuffle: true, seed: 1, CPU).ToList();
        try
        {
            Assert.Equal([4, 4, 4, 3], batches.Select(b => (int)b.Inputs.BatchSize));
            var first = batches[0];
            first.Inputs.Validate();
            Assert.Equal([4, 3, 64, 64], first.Inputs.Frame1.shape);
            Assert.Equal([4, 3, 64, 64], first.Inputs.OcrViz.shape);
            Assert.Equal([4, TaskSpec.SpatialFeatureCount], first.Inputs.SpatialFeatures.shape);
            Assert.Equal([4, TaskSpec.FontEmbeddingDimension], first.Inputs.FontEmbedding.shape);
            Assert.Equal(ScalarType.Int64, first.Labels.dtype);
            foreach (var image in new[] { first.Inputs.Frame1, first.Inputs.Frame2, first.Inputs.OcrViz })
            {
                Assert.True(image.min().item<float>() >= 0f);
                Assert.True(image.max().item<float>() <= 1f);
            }
            Assert.Equal(15, batches.SelectMany(b => b.SampleIds).Distinct().Count());
        }
        finally
        {
            foreach (var b in batches) b.Dispose();
        }
    }

    [Fact]
    public void ShuffledOrderIsDeterministicForASeed()
    {
        var dataset = CaptionDataset.Load(fixture.Folder, new GlyphProfileFontEmbedder(), new ImageTransform(32, 48));
        string[] Order(int seed)
        {
            var ids = new List<string>();
            foreach (var b in dataset.Batches(dataset.Train, 5, shuffle: true, seed, CPU))
                using (b) ids.AddRange(b.SampleIds);
            return ids.ToArray();
        }
        Assert.Equal(Order(3), Order(3));
        Assert.NotEqual(Order(3), Order(4));

        using var batch = dataset.Batches(dataset.Validation, 8, shuffle: false, 0, CPU).Single();
        Assert.Equal([5, 3, 32, 48], batch.Inputs.Frame2.shape);
        Assert.Equal(dataset.Validation.Select(s => s.Id), batch.SampleIds);
        Assert.Equal(dataset.Validation.Select(s => (long)s.Label), batch.Labels.data<long>().ToArray());
    }

    [Fact]
    public void EmbedderOfTheWrongWidthIsRefusedClearly()
    {
        var e = Assert.Throws<ArgumentException>(() => CaptionDataset.Load(fixture.Folder, new WideEmbedder(), Transform));
        Assert.Contains("wide", e.Message);
        Assert.Contains("64", e.Message);
    }

    [Fact]
    public void LoadSingleMatchesTheSampleInTheDataset()
    {
        var embedder = new GlyphProfileFontEmbedder();
        var dataset = CaptionDataset.Load(fixture.Folder, embedder, Transform);
        var m = fixture.Manifest.Samples.First(s => s.Split == DatasetSplit.Validation && s.Label == "different");
        var inputs = CaptionDataset.LoadSingle(
            Path.Combine(fixture.Folder, m.Frame1), Path.Combine(fixture.Folder, m.Frame2), Path.Combine(fixture.Folder, m.OcrViz),
            m.SpatialFeatures, embedder, Transform, m.CaptionBox);
        try
        {
            inputs.Validate();
            Assert.Equal(1, inputs.BatchSize);
            var expected = dataset.Validation.Single(s => s.Id == m.Id);
            Assert.Equal(expected.FontEmbedding, inputs.FontEmbedding.data<float>().ToArray());
            using var batch = CaptionDataset.MakeBatch([expected], Transform, CPU);
            Assert.True(batch.Inputs.Frame2.equal(inputs.Frame2).all().item<bool>());
        }
        finally
        {
            foreach (var t in inputs.Tensors) t.Dispose();
        }
    }

    private sealed class WideEmbedder : IEmbedder
    {
        public string Name => "wide";
        public string Version => "0";
        public int OutputDimension => 65;
        public float[] Embed(Tensor imageRegion) => new float[65];
    }
}
