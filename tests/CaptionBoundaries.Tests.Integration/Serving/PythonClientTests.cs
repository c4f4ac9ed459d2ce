using System.Diagnostics;
using System.Text.Json;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>
/// The server against a client written only from the protocol's text (v2_client.py, Python standard library): PNG files of
/// a synthetic dataset sent as BYTES (binary extension and base64 JSON) and as FP32 decoded by the client, over real
/// sockets. Every answer must equal the checkpoint run in this process on the same files, to 1e-5.
/// </summary>
[Collection(InferenceProtocolCollection.Name)]
public sealed class PythonClientTests(InferenceProtocolFixture fx)
{
    [Theory]
    [InlineData("png", "binary", true, null, new[] { 0, 3, 7 })]
    [InlineData("png", "json", false, null, new[] { 1, 4 })]
    [InlineData("png", "json", false, "2", new[] { 2, 5, 9 })]
    [InlineData("fp32", "json", false, null, new[] { 6, 8 })]
    [InlineData("fp32", "binary", true, "2", new[] { 0, 1 })]
    public async Task A_client_written_from_the_protocol_gets_the_probabilities_of_the_model_run_in_process(
        string images, string transport, bool binaryOutput, string? version, int[] samples)
    {
        var answer = await RunClientAsync(images, transport, binaryOutput, version, samples);

        var expectedVersion = version is null ? 1 : int.Parse(version);
        Assert.Equal(InferenceProtocolFixture.Model, answer.GetProperty("model_name").GetString());
        Assert.Equal(expectedVersion.ToString(), answer.GetProperty("model_version").GetString());
        Assert.Equal(binaryOutput, answer.GetProperty("binary_output").GetBoolean());
        var probabilities = answer.GetProperty("probabilities").EnumerateArray().ToList();
        var classes = answer.GetProperty("predicted_class").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal(samples.Length, probabilities.Count);
        for (var i = 0; i < samples.Length; i++)
        {
            var expected = fx.Reference(expectedVersion, samples[i]);
            var actual = probabilities[i].EnumerateArray().Select(p => p.GetDouble()).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (var k = 0; k < expected.Length; k++)
                Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-5,
                    $"sample {samples[i]}, class {k}: server {actual[k]}, in process {expected[k]} ({images}, {transport}, version {expectedVersion})");
            Assert.Equal(CaptionBoundaries.Contracts.TaskSpec.Classes[Array.IndexOf(expected, expected.Max())], classes[i]);
        }
    }

    [Fact]
    public async Task The_versions_give_different_answers_so_the_comparison_can_fail()
    {
        // Guards the test above: if every checkpoint answered alike, comparing with the wrong one would still pass.
        var one = fx.Reference(1, 0);
        var two = fx.Reference(2, 0);
        Assert.True(one.Zip(two).Max(p => Math.Abs(p.First - p.Second)) > 1e-4, $"{string.Join(",", one)} vs {string.Join(",", two)}");
        await Task.CompletedTask;
    }

    private async Task<JsonElement> RunClientAsync(string images, string transport, bool binaryOutput, string? version, int[] samples)
    {
        var output = Path.Combine(fx.DataFolder, $"v2-client-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Serving", "v2_client.py"), "--url", fx.BaseUrl, "--model", InferenceProtocolFixture.Model,
                     "--dataset", fx.DatasetFolder, "--samples", string.Join(",", samples), "--images", images, "--transport", transport,
                     "--routing-key", "python-client", "--out", output,
                 })
            start.ArgumentList.Add(arg);
        if (binaryOutput) start.ArgumentList.Add("--binary-output");
        if (version is not null)
        {
            start.ArgumentList.Add("--version");
            start.ArgumentList.Add(version);
        }
        start.Environment["V2_TOKEN"] = fx.ViewerToken;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"v2_client.py exited {process.ExitCode}: {await stderr}{await stdout}");
        return JsonDocument.Parse(await File.ReadAllTextAsync(output)).RootElement.Clone();
    }
}
