using System.Globalization;
using System.Text;
using System.Text.Json;
using CaptionBoundaries.Application.Charts;
using CaptionBoundaries.Application.Features.Reports;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Reports;

public sealed class ReportWritersTests
{
    private static readonly string[] Hostile =
    [
        "plain", "with, comma", "with \"quotes\"", "two\nlines", "cr\r\nlf", "=SUM(A1:A9)", "+1+1", "-2+3", "@cmd", "\tTab", "<script>alert(1)</script>", "ünïcode ✓",
    ];

    private static Report Sample()
    {
        var rows = Hostile.Select((text, i) => (IReadOnlyList<ReportCell>)[ReportCell.Of(text), ReportCell.Of(i * -0.1), ReportCell.Of(1e-12 * i), ReportCell.Empty]).ToList();
        rows.Add([ReportCell.Of("nan"), ReportCell.Of(double.NaN), ReportCell.Of(0.1 + 0.2)]);
        return new Report("test", "<b>Title</b> & co", new DateTime(2026, 2, 3, 4, 5, 6, DateTimeKind.Utc),
            [new ReportFact("note", "<img src=x onerror=alert(1)>")],
            [new ReportTable("main", "Main", ["text", "number", "tiny", "empty"], rows)],
            [new ReportLineChart("c", "<script>chart</script>", "epoch", "loss", true, [new ChartSeries("<i>series</i>", [new(1, 0.5), new(2, 0.25)])])]);
    }

    [Fact]
    public void Csv_quotes_commas_quotes_and_line_breaks_and_parses_back_to_the_same_values()
    {
        var csv = CsvText.Parse(Encoding.UTF8.GetString(CsvReportWriter.Write(Sample())));

        Assert.Equal(["text", "number", "tiny", "empty"], csv[0]);
        Assert.Equal(Hostile.Length + 2, csv.Count);
        for (var i = 0; i < Hostile.Length; i++)
        {
            var expected = Hostile[i][0] is '=' or '+' or '-' or '@' or '\t' ? "'" + Hostile[i] : Hostile[i];
            Assert.Equal(expected, csv[i + 1][0]);
            // Numbers are numbers: a negative one keeps its sign, and every digit survives.
            Assert.Equal(i * -0.1, double.Parse(csv[i + 1][1], CultureInfo.InvariantCulture));
            Assert.Equal(1e-12 * i, double.Parse(csv[i + 1][2], CultureInfo.InvariantCulture));
            Assert.Equal("", csv[i + 1][3]);
        }
        Assert.Equal(["nan", "NaN", (0.1 + 0.2).ToString("R", CultureInfo.InvariantCulture), ""], csv[^1]);
        Assert.Equal(0.1 + 0.2, double.Parse(csv[^1][2], CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+cmd", "'+cmd")]
    [InlineData("-cmd", "'-cmd")]
    [InlineData("@SUM(1)", "'@SUM(1)")]
    [InlineData("=a,b", "\"'=a,b\"")]
    [InlineData("safe=1", "safe=1")]
    public void A_text_that_a_spreadsheet_would_run_as_a_formula_gets_a_leading_apostrophe(string text, string expected) =>
        Assert.Equal(expected, CsvReportWriter.Text(text));

    [Fact]
    public void Json_holds_everything_and_round_trips_numbers_and_texts()
    {
        var report = Sample();
        using var json = JsonDocument.Parse(JsonReportWriter.Write(report));
        var root = json.RootElement;

        Assert.Equal("<b>Title</b> & co", root.GetProperty("title").GetString());
        Assert.Equal(new DateTime(2026, 2, 3, 4, 5, 6, DateTimeKind.Utc), root.GetProperty("generated_at_utc").GetDateTime());
        var rows = root.GetProperty("tables")[0].GetProperty("rows");
        for (var i = 0; i < Hostile.Length; i++)
        {
            Assert.Equal(Hostile[i], rows[i][0].GetString());
            Assert.Equal(i * -0.1, rows[i][1].GetDouble());
            Assert.Equal(1e-12 * i, rows[i][2].GetDouble());
            Assert.Equal(JsonValueKind.Null, rows[i][3].ValueKind);
        }
        Assert.Equal(JsonValueKind.Null, rows[Hostile.Length][1].ValueKind);
        var series = root.GetProperty("charts")[0].GetProperty("series")[0];
        Assert.Equal("<i>series</i>", series.GetProperty("name").GetString());
        Assert.Equal(0.25, series.GetProperty("points")[1][1].GetDouble());
    }

    [Fact]
    public void Html_is_self_contained_with_inline_svg_and_every_text_encoded()
    {
        var html = Encoding.UTF8.GetString(HtmlReportWriter.Write(Sample()));

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<svg xmlns=\"http://www.w3.org/2000/svg\"", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
        Assert.Contains("&lt;b&gt;Title&lt;/b&gt; &amp; co", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<i>", html);
        // Nothing is fetched: no external script, stylesheet, font or image, and a policy that forbids them anyway.
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("default-src 'none'", html);
        Assert.Contains("<td class=\"num\">-0.1</td>", html);
    }

    [Fact]
    public void A_long_table_shows_its_head_in_html_but_every_row_in_csv()
    {
        var rows = Enumerable.Range(0, HtmlReportWriter.MaxRows + 10).Select(i => (IReadOnlyList<ReportCell>)[ReportCell.Of(i)]).ToList();
        var report = new Report("test", "long", DateTime.UtcNow, [], [new ReportTable("t", "t", ["i"], rows)], []);

        var html = Encoding.UTF8.GetString(HtmlReportWriter.Write(report));
        var csv = CsvText.Parse(Encoding.UTF8.GetString(CsvReportWriter.Write(report)));

        Assert.Contains($"The first {HtmlReportWriter.MaxRows:N0} of {rows.Count:N0} rows", html);
        Assert.Equal(rows.Count + 1, csv.Count);
    }

    [Theory]
    [InlineData("run-<script>.csv", "run-_script_.csv")]
    [InlineData("../../etc/passwd", "etc_passwd")]
    [InlineData("", "fallback")]
    [InlineData("\"; filename=evil.exe", "filename_evil.exe")]
    public void Download_names_keep_only_safe_characters(string name, string expected) =>
        Assert.Equal(expected, DownloadName.Safe(name, "fallback"));
}
