using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>The served console in a real browser: every main page renders interactively, and the start form refuses bad input.</summary>
[Collection(ConsoleE2ECollection.Name)]
public sealed class ConsolePagesE2ETests(ConsoleE2EFixture console)
{
    [Theory]
    [InlineData("/", "Overview", "overview")]
    [InlineData("/architectures", "Architectures", "architectures")]
    [InlineData("/experiments", "Experiments", "experiments")]
    [InlineData("/sweeps", "Sweeps", "sweeps")]
    [InlineData("/models", "Served models", "models")]
    [InlineData("/datasets", "Datasets", "datasets")]
    [InlineData("/configuration", "Configuration", "configuration")]
    [InlineData("/monitoring", "Monitoring", "monitoring-empty")]
    public async Task Each_main_page_renders_and_is_saved_as_a_screenshot(string path, string heading, string screenshot)
    {
        var page = await console.OpenAsync(path);

        Assert.Equal(heading, (await page.Locator("h1").First.TextContentAsync())?.Trim());
        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, $"{screenshot}.png"), FullPage = true });
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_architectures_page_lists_the_shipped_and_test_plugins()
    {
        var page = await console.OpenAsync("/architectures");

        var text = await page.Locator("#architectures").TextContentAsync();
        Assert.Contains("shared_backbone_resnet50", text);
        Assert.Contains("tiny_test_cnn", text);
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_configuration_page_shows_the_environment_and_where_each_value_came_from()
    {
        var page = await console.OpenAsync("/configuration");

        Assert.Equal("Production", (await page.Locator("#config-environment").TextContentAsync())?.Trim());
        var provider = page.Locator("#configuration tr", new() { HasText = "Database:Provider" });
        await Assertions.Expect(provider).ToContainTextAsync("sqlite");
        await Assertions.Expect(provider).ToContainTextAsync("environment variable");
        var clusterId = page.Locator("#configuration tr", new() { HasText = "Cluster:ClusterId" });
        await Assertions.Expect(clusterId).ToContainTextAsync("caption-boundaries-production");
        await Assertions.Expect(clusterId).ToContainTextAsync("appsettings.Production.json");
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_datasets_page_shows_the_demo_dataset_with_sample_frames()
    {
        var page = await console.OpenAsync("/datasets");

        await Assertions.Expect(page.Locator("#samples figure").First).ToBeVisibleAsync();
        Assert.Equal(12, await page.Locator("#samples figure").CountAsync());
        Assert.StartsWith("data:image/", await page.Locator("#samples img").First.GetAttributeAsync("src"));
        await page.CloseAsync();
    }

    [Fact]
    public async Task Invalid_start_form_input_is_rejected_with_the_field_named()
    {
        var page = await console.OpenAsync("/experiments");

        await page.Locator("[data-field=lr] input").FillAsync("0");
        await page.Locator("[data-field=lr] input").PressAsync("Tab");
        await Assertions.Expect(page.Locator(".field-error[data-field=lr]")).ToContainTextAsync("'lr' must be greater than '0'");

        await page.Locator("[data-field=batch_size] input").FillAsync("0");
        await page.Locator("[data-field=batch_size] input").PressAsync("Tab");
        await page.Locator("#start-submit").ClickAsync();
        await Assertions.Expect(page.Locator(".field-error[data-field=batch_size]")).ToContainTextAsync("'batch_size' must be between 1 and 4096");
        await Assertions.Expect(page.Locator("#start-result")).ToHaveCountAsync(0);

        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "start-form-invalid.png"), FullPage = true });
        await page.CloseAsync();
    }
}
