using System.Globalization;
using System.Text;

namespace CaptionBoundaries.Tests.Support;

/// <summary>
/// A reader of Prometheus' text exposition format (version 0.0.4), written from the format's description rather than
/// from the library that writes it: comment lines start with '#', a sample is
/// <c>name{label="value",...} value [timestamp]</c>, label values escape backslash, double quote and newline.
/// </summary>
public static class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public bool Has(params (string Label, string Value)[] labels) =>
            labels.All(l => Labels.TryGetValue(l.Label, out var v) && v == l.Value);
    }

    public static IReadOnlyList<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            samples.Add(ParseLine(line));
        }
        return samples;
    }

    /// <summary>The sum of every sample of <paramref name="name"/> that has all the given labels.</summary>
    public static double Sum(this IReadOnlyList<Sample> samples, string name, params (string Label, string Value)[] labels) =>
        samples.Where(s => s.Name == name && s.Has(labels)).Sum(s => s.Value);

    private static Sample ParseLine(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' ')) i++;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var label = line[i..eq].Trim();
                i = eq + 1;
                if (line[i] != '"') throw new FormatException($"label value not quoted: {line}");
                i++;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch { 'n' => '\n', var c => c });
                    }
                    else value.Append(line[i]);
                    i++;
                }
                labels[label] = value.ToString();
                i++;
                if (line[i] == ',') i++;
            }
            i++;
        }
        var fields = line[i..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var number = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var f => double.Parse(f, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }
}
