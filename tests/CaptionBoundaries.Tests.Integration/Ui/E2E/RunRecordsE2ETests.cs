using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>A run's page in a real browser: a file uploaded through the page, a tag added, and the file downloaded back byte for byte.</summary>
[Collection(ConsoleE2ECollection.Name)]
public sealed class RunRecordsE2ETests(ConsoleE2EFixture console)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [Fact]
    public async Task A_file_uploaded_on_the_run_page_is_listed_tagged_run_and_downloads_back_the_same()
    {
        using var http = console.Server.Http();
        var response = await http.PostAsJsonAsync("/api/experiments", new
        {
            Name = "e2e-files",
            Architecture = "tiny_test_cnn",
            ImageSize = 32,
            Epochs = 1,
            DatasetFolder = Path.Combine(console.Server.DataFolder, "datasets", "demo"),
        }, Json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;

        var page = await console.OpenAsync($"/experiments/{id}");
        await Assertions.Expect(page.Locator("#experiment-status")).ToHaveTextAsync("Completed", new() { Timeout = 300_000 });

        var content = Encoding.UTF8.GetBytes("epoch,note\n1,\"looks fine, ship it\"\n");
        await page.Locator("#artifact-file").SetInputFilesAsync(new FilePayload { Name = "review notes.csv", MimeType = "text/csv", Buffer = content });
        await page.Locator("#artifact-upload-submit").ClickAsync();
        var row = page.Locator("#artifacts tr[data-artifact='review notes.csv']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator(".cb-artifact-size")).ToHaveTextAsync($"{content.Length} B");

        await page.Locator("#tag-form input[name=tag-key]").FillAsync("reviewed");
        await page.Locator("#tag-form input[name=tag-key]").PressAsync("Tab");
        await page.Locator("#tag-form input[name=tag-value]").FillAsync("yes");
        await page.Locator("#tag-form input[name=tag-value]").PressAsync("Tab");
        await page.Locator("#tag-add").ClickAsync();
        await Assertions.Expect(page.Locator("#run-tags .cb-tag[data-tag=reviewed]")).ToContainTextAsync("yes");

        var download = await page.RunAndWaitForDownloadAsync(() => row.Locator("a.cb-artifact-download").ClickAsync());
        Assert.Equal("review_notes.csv", download.SuggestedFilename);
        Assert.Equal(content, await File.ReadAllBytesAsync(await download.PathAsync()));

        // The tag is the run's, for every reader: the API lists it too.
        var tags = JsonDocument.Parse(await http.GetStringAsync($"/api/experiments/{id}/tags")).RootElement;
        Assert.Equal("yes", tags.EnumerateArray().Single(t => t.GetProperty("key").GetString() == "reviewed").GetProperty("value").GetString());
        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "run-files-tags.png"), FullPage = true });
        await page.CloseAsync();
    }
}
