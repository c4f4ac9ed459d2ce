using CaptionBoundaries.Domain.Sweeps;
using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Tests.Sweeps;

/// <summary>
/// Finding 1 of issue 15: a 7-byte self-referencing alias overflowed the stack and killed the server. Every definition
/// a user can send (sweep definitions, training plans) goes through one reader; it must answer hostile text with a
/// <see cref="SweepDefinitionException"/>, never a crash or an explosion in memory.
/// </summary>
public class HostileDefinitionTests
{
    [Theory]
    [InlineData("&a [*a]", "anchors")]                              // the finding: a cycle, refused at its anchor
    [InlineData("a: &x 1\nb: *x", "anchors")]                        // a plain anchor is refused where it is declared
    [InlineData("a: &a [1, 2]\nb: [*a, *a, *a]", "anchors")]         // the start of a billion-laughs expansion
    [InlineData("*undeclared", "aliases")]
    public void AnchorsAndAliasesAreRefusedWithAMessage(string text, string word)
    {
        var e = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse(text));
        Assert.Contains(word, Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void TrainingPlansUseTheSameGuard()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingPlanFile.Parse("stages: [*s]"));
        Assert.Contains("aliases", e.Message);
    }

    [Theory]
    [InlineData("name: a\nname: b\nmethod: grid\nmetric: { name: val_loss }\nparameters: { lr: { value: 1 } }")]
    [InlineData("name: a\nmethod: grid\nmetric: { name: val_loss }\nparameters:\n  lr: { value: 1 }\n  lr: { value: 2 }")]
    [InlineData("{\"name\": \"a\", \"method\": \"grid\", \"metric\": {\"name\": \"val_loss\", \"name\": \"x\"}, \"parameters\": {\"lr\": {\"value\": 1}}}")]
    public void AKeyRepeatedInOneMappingIsRefusedInYamlAndJson(string text)
    {
        var e = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse(text));
        Assert.Contains("more than once", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void AGridPastTheLimitIsRefusedWithItsSizeAndOneAtTheLimitIsAccepted()
    {
        static string Grid(params int[] counts) => "name: g\nmethod: grid\nmetric: { name: val_loss }\nparameters:\n" +
            string.Concat(counts.Select((n, p) => $"  p{p}: {{ values: [{string.Join(",", Enumerable.Range(0, n))}] }}\n"));

        var atLimit = Assert.IsType<GridSampler>(SweepFactory.CreateSampler(SweepDefinitionParser.Parse(Grid(100, 100, 100))));
        Assert.Equal(1_000_000, atLimit.Count);
        var over = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse(Grid(100, 100, 101)));
        Assert.Contains("1,010,000 combinations", Assert.Single(over.Errors).Message);
        // More combinations than a long holds: reported, not an overflow.
        var astronomical = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse(Grid(1500, 1500, 1500, 1500, 1500, 1500)));
        Assert.Contains("more than 9.2e18 combinations", Assert.Single(astronomical.Errors).Message);
    }

    [Fact]
    public void ARepeatAfterTenThousandDistinctValuesIsFound()
    {
        // The repeat check compared every value with every earlier one (50 million comparisons here); a set now.
        var text = "name: g\nmethod: random\nrun_cap: 1\nmetric: { name: val_loss }\nparameters:\n  seed: { values: [" +
            string.Join(",", Enumerable.Range(0, 10_000)) + ", 0] }\n";
        var e = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse(text));
        Assert.Equal("parameters.seed.values[10000]", Assert.Single(e.Errors).Path);
    }

    [Theory]
    [InlineData('[', ']')]
    [InlineData('{', '}')]
    public void DeepNestingIsRefusedInYamlAndJson(char open, char close)
    {
        // 5 000 levels: deep enough to overflow a recursive walk, small enough to fit the size limit.
        var depth = 5_000;
        var body = open == '[' ? new string(open, depth) + new string(close, depth) : string.Concat(Enumerable.Repeat("{a: ", depth)) + "1" + new string(close, depth);
        var yaml = "name: x\nparameters: " + body;
        var json = open == '[' ? body : string.Concat(Enumerable.Repeat("{\"a\": ", depth)) + "1" + new string(close, depth);

        var fromYaml = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse(yaml));
        Assert.Contains("nested deeper than", Assert.Single(fromYaml.Errors).Message);
        var fromJson = Assert.Throws<SweepDefinitionException>(() => SweepDefinitionParser.Parse(json));
        Assert.Contains("not valid JSON", Assert.Single(fromJson.Errors).Message);
    }

    [Fact]
    public void OversizedAndOverlongDefinitionsAreRefused()
    {
        var huge = "name: x\n# " + new string('y', DefinitionLimits.MaxChars);
        Assert.Contains("at most", Assert.Single(Assert.Throws<SweepDefinitionException>(() => { SweepDefinitionParser.Parse(huge); }).Errors).Message);

        // Small enough in characters, but more values than any definition has.
        var wide = "name: x\nparameters: [" + string.Join(",", Enumerable.Repeat("1", DefinitionLimits.MaxNodes + 10)) + "]";
        Assert.True(wide.Length < DefinitionLimits.MaxChars);
        Assert.Contains("more than", Assert.Single(Assert.Throws<SweepDefinitionException>(() => { SweepDefinitionParser.Parse(wide); }).Errors).Message);
    }

    /// <summary>
    /// A bounded, seeded fuzz: mutations of valid definitions (byte flips, splices of YAML punctuation, anchors,
    /// tags, deep brackets, truncation) must each either parse or throw <see cref="SweepDefinitionException"/>.
    /// Anything else (a crash, another exception type) fails the test with the input that caused it.
    /// </summary>
    [Fact]
    public void FuzzedDefinitionsEitherParseOrAreRefusedCleanly()
    {
        string[] seeds =
        [
            "name: s\nmethod: bayes\nmetric: { name: val_macro_f1, goal: maximize }\nparameters:\n  lr: { distribution: log_uniform, min: 1e-4, max: 1e-1 }\n  bs: { values: [8, 16] }\nrun_cap: 4\nearly_terminate: { type: asha, min_iter: 1, max_iter: 9, eta: 3 }\n",
            "{\"name\":\"s\",\"method\":\"grid\",\"metric\":{\"name\":\"val_loss\",\"goal\":\"minimize\"},\"parameters\":{\"bs\":{\"values\":[8,16]}}}",
            "stages:\n  - { name: head, epochs: 2, lr: 0.003, freeze: [features] }\n  - { name: tune, epochs: 1 }\n",
        ];
        string[] splices = ["&a ", "*a", "!!python/object ", "[", "]", "{", "}", ": ", "- ", "\n  ", "'", "\"", "? ", "|", ">", "%YAML 1.1\n", "---\n", "...", "\t", "\0", "\uFFFF", "1e999", "-9223372036854775809", "<<: *a"];
        var random = new Random(15);
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < 3_000; i++)
        {
            var text = seeds[random.Next(seeds.Length)].ToCharArray().ToList();
            var mutations = random.Next(1, 6);
            for (var m = 0; m < mutations && text.Count > 0; m++)
            {
                var at = random.Next(text.Count);
                switch (random.Next(4))
                {
                    case 0: text[at] = (char)random.Next(32, 127); break;
                    case 1: text.InsertRange(at, splices[random.Next(splices.Length)]); break;
                    case 2: text.RemoveRange(at, Math.Min(random.Next(1, 20), text.Count - at)); break;
                    default: text.InsertRange(at, new string(random.Next(2) == 0 ? '[' : '{', random.Next(1, 200))); break;
                }
            }
            var input = new string(text.ToArray());
            string outcome;
            try
            {
                if (input.StartsWith("stages")) TrainingPlanFile.Parse(input); else SweepDefinitionParser.Parse(input);
                outcome = "parsed";
            }
            catch (SweepDefinitionException) { outcome = "refused"; }
            catch (ArgumentException) when (input.StartsWith("stages")) { outcome = "refused"; }
            catch (Exception e)
            {
                Assert.Fail($"input #{i} threw {e.GetType().Name}: {e.Message}\n--- input ---\n{input}");
                return;
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        // The fuzz reaches both sides: some mutations still parse, most are refused.
        Assert.True(outcomes.GetValueOrDefault("parsed") > 0 && outcomes.GetValueOrDefault("refused") > 0, string.Join(", ", outcomes));
    }
}
