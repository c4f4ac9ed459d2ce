using CaptionBoundaries.Domain.Datasets;
using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>
/// A real grid sweep of tiny_test_cnn started from the console's form: its page follows the trials as they run, draws
/// every finished trial in both charts and registers the best one as a served model.
/// </summary>
[Collection(ConsoleE2ECollection.Name)]
public sealed class SweepsE2ETests(ConsoleE2EFixture console)
{
    private const string Grid = """
        name: e2e-grid
        method: grid
        metric: { name: val_macro_f1, goal: maximize }
        parameters:
          lr: { values: [0.003, 0.03] }
          width: { values: [4, 8] }
        """;

    private static string Screenshot(string name)
    {
        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        return Path.Combine(ConsoleE2EFixture.ScreenshotFolder, name);
    }

    /// <summary>A few frames per class, so each of the grid's trials takes seconds on the server's one slot.</summary>
    private string TinyDataset()
    {
        var folder = Path.Combine(console.Server.DataFolder, "datasets", "sweep-e2e");
        if (!File.Exists(Path.Combine(folder, "manifest.json")))
            SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
            {
                OutputFolder = folder,
                SamplesPerClass = 4,
                Seed = 8,
                Width = 48,
                Height = 32,
                ValidationFraction = 0.25,
            });
        return folder;
    }

    private static async Task ChooseArchitecture(IPage page, string name)
    {
        // Radzen moves an open dropdown's popup out of the field, so the item is found in whichever popup is open;
        // the catalog arrives after the first render, so reopen the dropdown until the item is there.
        var item = page.Locator($".rz-dropdown-item[aria-label='{name}']:visible");
        for (var attempt = 0; attempt < 20 && !await item.IsVisibleAsync(); attempt++)
        {
            await page.Locator("#start-sweep [data-field=architecture] .rz-dropdown").ClickAsync();
            try
            {
                await item.WaitForAsync(new() { Timeout = 1_500 });
            }
            catch (TimeoutException)
            {
                await page.Keyboard.PressAsync("Escape");
            }
        }
        await item.ClickAsync();
    }

    private static async Task Enter(ILocator input, string value)
    {
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    [Fact]
    public async Task A_grid_sweep_started_from_the_form_is_followed_charted_and_its_best_trial_registered()
    {
        var dataset = TinyDataset();
        var page = await console.OpenAsync("/sweeps");
        Assert.Equal("Sweeps", (await page.Locator("h1").TextContentAsync())?.Trim());
        await Assertions.Expect(page.Locator("nav a[href=sweeps]")).ToBeVisibleAsync();

        // A definition error is shown under the definition, at its path, before anything is sent.
        var definition = page.Locator("textarea[name=definition]");
        await Enter(definition, Grid.Replace("method: grid", "method: gird"));
        await Assertions.Expect(page.Locator(".field-error[data-field=definition][data-path=method]"))
            .ToContainTextAsync("must be one of grid, random, bayes (got 'gird')");
        await page.ScreenshotAsync(new() { Path = Screenshot("sweep-start-invalid.png"), FullPage = true });

        await Enter(definition, Grid);
        await Assertions.Expect(page.Locator(".field-error[data-field=definition]")).ToHaveCountAsync(0);
        await ChooseArchitecture(page, "tiny_test_cnn");
        await Enter(page.Locator("#start-sweep [data-field=dataset] input"), dataset);
        await Enter(page.Locator("#start-sweep [data-field=epochs] input"), "2");
        await Enter(page.Locator("#start-sweep [data-field=image_size] input"), "32");
        await Enter(page.Locator("#start-sweep [data-field=batch_size] input"), "8");
        await page.Locator("#start-sweep-submit").ClickAsync();
        var outcome = page.Locator("#start-sweep-result, #start-sweep .cb-error, #start-sweep .field-error").First;
        await outcome.WaitForAsync();
        Assert.Contains("Started e2e-grid", await outcome.TextContentAsync());

        // In-circuit navigation to the sweep's page, which then refreshes itself: the marker would not survive a reload.
        await page.Locator("#start-sweep-result a").ClickAsync();
        await page.WaitForURLAsync("**/sweeps/*");
        await page.EvaluateAsync("() => { window.cbNotReloaded = true; }");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sweep e2e-grid");
        await Assertions.Expect(page.Locator("#sweep-phase")).ToHaveTextAsync("Completed", new() { Timeout = 300_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.cbNotReloaded === true"));
        await Assertions.Expect(page.Locator("[data-refreshing]")).ToHaveCountAsync(0);

        // Every trial of the 2 x 2 grid, in order, each with its parameter values.
        var rows = page.Locator("#trials tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        Assert.Equal(["1", "2", "3", "4"], await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.trial)"));
        Assert.Equal(["Completed", "Completed", "Completed", "Completed"], await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.status)"));
        Assert.Equal(["0.003/4", "0.003/8", "0.03/4", "0.03/8"], await rows.EvaluateAllAsync<string[]>(
            "rs => rs.map(r => r.querySelector('td[data-parameter=lr]').textContent + '/' + r.querySelector('td[data-parameter=width]').textContent)"));
        Assert.Equal("e2e-grid-trial-1", (await rows.First.Locator("a").TextContentAsync())?.Trim());
        await Assertions.Expect(page.Locator("#sweep-trials")).ToHaveTextAsync("4 / 4");
        var best = await page.Locator("#trials tr.cb-best").GetAttributeAsync("data-trial");
        Assert.Contains($"(trial {best})", await page.Locator("#sweep-best").TextContentAsync());

        // One polyline and one marker per completed trial; the best one highlighted in both.
        var chart = page.Locator("[data-chart=parallel-coordinates]");
        Assert.Equal(["lr", "width", "val_macro_f1"], await chart.Locator(".cb-pc-axis").EvaluateAllAsync<string[]>("as => as.map(a => a.dataset.axis)"));
        await Assertions.Expect(chart.Locator("polyline")).ToHaveCountAsync(4);
        Assert.Equal(best, await chart.Locator("polyline.best").GetAttributeAsync("data-trial"));
        var scatter = page.Locator("[data-chart=metric-vs-parameter] svg.cb-scatter");
        await Assertions.Expect(scatter.Locator("circle")).ToHaveCountAsync(4);
        Assert.Equal(best, await scatter.Locator("circle.best").GetAttributeAsync("data-trial"));
        await chart.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Screenshot("sweep-detail.png"), FullPage = true });

        // One click registers the best trial's checkpoint as a served model's first version.
        await Enter(page.Locator("input[name=register-best-model]"), "e2e-sweep-best");
        await page.Locator("#register-best-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#register-best-result")).ToContainTextAsync("e2e-sweep-best version 1", new() { Timeout = 60_000 });
        await page.Locator("#register-best").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Screenshot("sweep-registered.png"), FullPage = true });

        // The list shows it finished, with its best metric.
        await page.Locator("nav a[href=sweeps]").ClickAsync();
        var row = page.Locator("#sweeps tbody tr", new() { HasTextString = "e2e-grid" });
        await Assertions.Expect(row.Locator(".sweep-phase")).ToHaveTextAsync("Completed");
        await Assertions.Expect(row.Locator(".sweep-trials")).ToHaveTextAsync("4 / 4");
        await Assertions.Expect(row.Locator(".sweep-best")).ToContainTextAsync($"(trial {best})");
        await page.ScreenshotAsync(new() { Path = Screenshot("sweep-list.png"), FullPage = true });
        await page.CloseAsync();
    }
}
