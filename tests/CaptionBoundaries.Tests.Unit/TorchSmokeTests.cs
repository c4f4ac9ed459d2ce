using static TorchSharp.torch;

namespace CaptionBoundaries.Tests;

public class TorchSmokeTests
{
    [Fact]
    public void LibTorchLoadsOnThisMachine()
    {
        using var t = ones(2, 3);
        Assert.Equal(6f, t.sum().item<float>());
    }
}
