using FluentValidation;

namespace CaptionBoundaries.Ui.Services;

/// <summary>What a failed request shows the user: the message its handler or validator gave, fields named.</summary>
public static class ErrorText
{
    public static string Describe(Exception e) => e switch
    {
        ValidationException v => string.Join(" ", v.Errors.Select(f => $"{f.PropertyName}: {f.ErrorMessage}")),
        Orleans.Runtime.OrleansException o => $"The cluster could not answer: {o.Message}",
        _ => e.Message,
    };
}
