using System.Text.RegularExpressions;
using CaptionBoundaries.Domain.Errors;
using TorchSharp;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// Which parameters a training stage updates: the architecture's own requires_grad choice, then <see cref="Freeze"/>
/// patterns switched off, then <see cref="Unfreeze"/> patterns switched on. A pattern is a parameter name, a dotted
/// prefix of one ("backbone" covers "backbone.layer1.0.conv1.weight") or a glob with '*' ("*.bias").
/// </summary>
public sealed record ParameterSelection(IReadOnlyList<string> Freeze, IReadOnlyList<string> Unfreeze)
{
    public static readonly ParameterSelection ArchitectureDefault = new([], []);

    /// <summary>Applies the patterns; a pattern that matches no parameter is an error naming it (a typo would silently train everything).</summary>
    public void Apply(torch.nn.Module model, string where)
    {
        var parameters = model.named_parameters().ToList();
        foreach (var (patterns, trainable, field) in new[] { (Freeze, false, "freeze"), (Unfreeze, true, "unfreeze") })
        {
            foreach (var pattern in patterns)
            {
                var matched = parameters.Where(p => Matches(pattern, p.name)).ToList();
                if (matched.Count == 0)
                    throw DomainException.Invalid(
                        $"{where}.{field}: pattern '{pattern}' matches no parameter of the model (top-level names: " +
                        string.Join(", ", parameters.Select(p => p.name.Split('.')[0]).Distinct()) + ").");
                foreach (var (_, parameter) in matched) parameter.requires_grad = trainable;
            }
        }
    }

    public static bool Matches(string pattern, string name)
    {
        pattern = pattern.Trim();
        if (pattern.Contains('*'))
            return Regex.IsMatch(name, "^" + Regex.Escape(pattern).Replace(@"\*", ".*") + "$", RegexOptions.CultureInvariant);
        return name == pattern || name.StartsWith(pattern + ".", StringComparison.Ordinal);
    }
}
