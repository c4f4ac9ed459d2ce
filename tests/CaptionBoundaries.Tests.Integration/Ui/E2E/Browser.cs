using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>Debian's chromium driven by Playwright; never a downloaded browser build.</summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Instance { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (apt-get install chromium); .ci/run does.");
        _playwright = await Playwright.CreateAsync();
        Instance = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Instance is not null) await Instance.DisposeAsync();
        _playwright?.Dispose();
    }
}
