using System.Globalization;
using System.Text;
using System.Text.Json;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Cli;

/// <summary>`caption-boundaries report …` in-process against a temp data folder: the files it writes, checked for content.</summary>
public sealed class ReportCliTests : IDisposable
{
    private readonly TempFolder _temp = new("cb-report-cli");

    public ReportCliTests() => TestPaths.PopulatePluginsFolder(_temp.Combine("plugins"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private Task<int> Cli(params string[] args) =>
        CliApp.Build().Parse(["--data-dir", _temp.Combine("data"), "--plugins", _temp.Combine("plugins"), .. args]).InvokeAsync();

    /// <summary>The CLI's own database (created by a first command), for writing runs into it directly.</summary>
    private async Task<ServiceProvider> DatabaseAsync()
    {
        Assert.Equal(0, await Cli("experiments", "list"));
        var options = new DbContextOptionsBuilder<SqliteTrackingDbContext>().UseSqlite($"Data Source={_temp.Combine("data", "caption-boundaries.db")}").Options;
        return new ServiceCollection().AddScoped<TrackingDbContext>(_ => new SqliteTrackingDbContext(options)).BuildServiceProvider();
    }

    [Fact]
    public async Task Report_run_and_compare_write_csv_json_and_html_files()
    {
        await using var db = await DatabaseAsync();
        var native = await TrackedRuns.NativeAsync(db, "<script>alert(1)</script>", "local", valF1: [0.25, 0.75]);
        var external = await TrackedRuns.ExternalAsync(db, "from-mlflow", "local", new Dictionary<string, double[]> { ["val_macro_f1"] = [0.1, 0.9] });

        var csvPath = _temp.Combine("out", "run.csv");
        Assert.Equal(0, await Cli("report", "run", native.ToString("N")[..8], "--format", "csv", "--out", csvPath));
        var csv = CsvText.Parse(await File.ReadAllTextAsync(csvPath));
        Assert.Equal(["metric", "step", "value"], csv[0]);
        Assert.Equal(0.75, double.Parse(csv.Single(r => r[0] == "val_macro_f1" && r[1] == "2")[2], CultureInfo.InvariantCulture));

        var htmlPath = _temp.Combine("out", "compare.html");
        Assert.Equal(0, await Cli("report", "compare", native.ToString("N"), external.ToString("N"), "-f", "html", "-o", htmlPath));
        var html = await File.ReadAllTextAsync(htmlPath);
        Assert.Contains("<svg", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script", html);

        // Without --out the report's own (safe) name in the current folder.
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = _temp.Path;
        try
        {
            Assert.Equal(0, await Cli("report", "architectures", "--format", "json"));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(_temp.Combine("architectures.json")));
        var row = json.RootElement.GetProperty("tables")[0].GetProperty("rows").EnumerateArray().Single(r => r[0].GetString() == "tiny_test_cnn");
        Assert.Equal(0.75, row[4].GetDouble());
    }

    [Fact]
    public async Task Bad_formats_and_unknown_runs_exit_with_bad_input_and_write_nothing()
    {
        await using var db = await DatabaseAsync();
        var run = await TrackedRuns.NativeAsync(db, "x", "local");
        var output = _temp.Combine("never.csv");

        Assert.Equal(CliErrors.BadInput, await Cli("report", "run", run.ToString("N"), "--format", "xlsx", "--out", output));
        Assert.Equal(CliErrors.BadInput, await Cli("report", "run", "ffffffff", "--out", output));
        Assert.Equal(CliErrors.BadInput, await Cli("report", "compare", run.ToString("N"), "--out", output));
        Assert.False(File.Exists(output));
        Assert.Equal(CliErrors.BadInput, await Cli("report", "benchmark", "m", "--server", "http://127.0.0.1:1", "--out", output));
        Assert.False(File.Exists(output));
    }
}
