namespace CaptionBoundaries.Contracts;

/// <summary>An input tensor that breaks the task spec; the message names the input, what was expected and what came.</summary>
public sealed class InputShapeException(string inputName, string expected, long[] actualShape, string? actualDetail = null)
    : ArgumentException(
        $"Input '{inputName}' has shape ({string.Join(", ", actualShape)}){(actualDetail is null ? "" : $" and {actualDetail}")}; expected {expected}.")
{
    public string InputName { get; } = inputName;
}
