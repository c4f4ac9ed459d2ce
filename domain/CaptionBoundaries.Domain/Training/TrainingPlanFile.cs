using System.Globalization;
using CaptionBoundaries.Domain.Sweeps;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// Reads a multi-stage training plan from YAML or JSON (the same reader as sweep definitions):
/// <code>
/// stages:
///   - { name: head, epochs: 2, lr: 0.003, freeze: [features] }
///   - { name: finetune, epochs: 3, lr: 0.0003 }
/// </code>
/// Values are checked later by the train command's validator; here only the shape, with the path of each problem.
/// </summary>
public static class TrainingPlanFile
{
    private static readonly string[] Keys = ["name", "epochs", "lr", "weight_decay", "batch_size", "freeze", "unfreeze"];

    public static List<TrainingStage> Read(string path) => Parse(File.ReadAllText(path), path);

    public static List<TrainingStage> Parse(string text, string source = "plan")
    {
        object? document;
        try { document = SweepDocumentReader.Read(text); }
        catch (SweepDefinitionException e) { throw new ArgumentException($"{source}: {string.Join("; ", e.Errors.Select(x => x.Message))}"); }

        var list = document switch
        {
            SweepMap map when map.TryGet("stages", out var stages) && map.Count == 1 => stages as List<object?>,
            List<object?> stages => stages,
            _ => null,
        } ?? throw new ArgumentException($"{source}: expected a map with one key 'stages' holding a list of stages.");
        if (list.Count == 0) throw new ArgumentException($"{source}: stages: the plan has no stages.");
        return list.Select((item, i) => Stage(item, $"{source}: stages[{i}]")).ToList();
    }

    private static TrainingStage Stage(object? item, string at)
    {
        if (item is not SweepMap map) throw new ArgumentException($"{at}: expected a map with {string.Join(", ", Keys)}.");
        foreach (var (key, _) in map)
            if (!Keys.Contains(key)) throw new ArgumentException($"{at}.{key}: unknown key (known: {string.Join(", ", Keys)}).");
        return new TrainingStage
        {
            Name = map.TryGet("name", out var name) && name is string n ? n : throw new ArgumentException($"{at}.name: every stage needs a name."),
            Epochs = (int)(Number(map, "epochs", at) ?? throw new ArgumentException($"{at}.epochs: every stage needs a number of epochs.")),
            LearningRate = Number(map, "lr", at),
            WeightDecay = Number(map, "weight_decay", at),
            BatchSize = Number(map, "batch_size", at) is { } b ? (int)b : null,
            Freeze = Patterns(map, "freeze", at),
            Unfreeze = Patterns(map, "unfreeze", at),
        };
    }

    private static double? Number(SweepMap map, string key, string at) =>
        !map.TryGet(key, out var value) || value is null ? null
        : value switch
        {
            long l => l,
            double d => d,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => throw new ArgumentException($"{at}.{key}: '{value}' is not a number."),
        };

    private static List<string> Patterns(SweepMap map, string key, string at) =>
        !map.TryGet(key, out var value) || value is null ? []
        : value switch
        {
            string s => [s],
            List<object?> items => items.Select(x => x as string ?? throw new ArgumentException($"{at}.{key}: patterns are strings.")).ToList(),
            _ => throw new ArgumentException($"{at}.{key}: expected a pattern or a list of patterns."),
        };
}
