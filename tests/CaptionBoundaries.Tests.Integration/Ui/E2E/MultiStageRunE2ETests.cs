using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>A two-stage plan started through the API runs on a slot; its page shows both stages on one timeline.</summary>
[Collection(ConsoleE2ECollection.Name)]
public sealed class MultiStageRunE2ETests(ConsoleE2EFixture console)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [Fact]
    public async Task A_staged_run_shows_its_stages_with_their_trainable_parameters_on_one_timeline()
    {
        using var http = console.Server.Http();
        var response = await http.PostAsJsonAsync("/api/experiments", new
        {
            Name = "e2e-stages",
            Architecture = "tiny_test_cnn",
            ImageSize = 32,
            DatasetFolder = Path.Combine(console.Server.DataFolder, "datasets", "demo"),
            Stages = new object[]
            {
                new { Name = "head", Epochs = 1, LearningRate = 0.01, Freeze = new[] { "features" } },
                new { Name = "finetune", Epochs = 2, LearningRate = 0.002 },
            },
        }, Json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;

        var page = await console.OpenAsync($"/experiments/{id}");
        await Assertions.Expect(page.Locator("#experiment-status")).ToHaveTextAsync("Completed", new() { Timeout = 300_000 });
        await Assertions.Expect(page.Locator("#stages .cb-stage")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#stages .cb-stage[data-stage=head]")).ToContainTextAsync("epochs 1–1");
        await Assertions.Expect(page.Locator("#stages .cb-stage[data-stage=finetune]")).ToContainTextAsync("epochs 2–3");
        var head = await page.Locator("#stage-table tr[data-stage=head] .trainable").TextContentAsync();
        var finetune = await page.Locator("#stage-table tr[data-stage=finetune] .trainable").TextContentAsync();
        Assert.NotEqual(head, finetune);
        Assert.EndsWith("(100.0%)", finetune!.Trim());
        await Assertions.Expect(page.Locator("#stages svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#experiment-epochs")).ToContainTextAsync("3");
        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "multi-stage-run.png"), FullPage = true });

        // A stage's own page links back to its experiment.
        await page.Locator("#stage-table tr[data-stage=finetune] a").ClickAsync();
        await Assertions.Expect(page.Locator("#parent-link")).ToContainTextAsync("finetune");
        await Assertions.Expect(page.Locator("#parameter-counts")).ToBeVisibleAsync();
        await page.CloseAsync();
    }
}
