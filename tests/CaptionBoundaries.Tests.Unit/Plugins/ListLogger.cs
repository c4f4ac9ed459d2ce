using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Tests.Plugins;

/// <summary>Keeps log lines in memory so a test can show which path (rescan or hot reload) handled a change.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return [.. _lines]; }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines) _lines.Add($"{logLevel}: {formatter(state, exception)}");
    }
}
