using System.Collections.Concurrent;
using Mediator;

namespace CaptionBoundaries.Tests.Ui;

/// <summary>
/// Stands in for the Mediator pipeline in component tests: answers each request type with a test-supplied
/// function and records every request, so a test can check what a page sent.
/// </summary>
public sealed class FakeSender : ISender
{
    private readonly ConcurrentDictionary<Type, Func<object, object>> _answers = new();

    public ConcurrentQueue<object> Sent { get; } = new();

    public FakeSender On<TRequest, TResponse>(Func<TRequest, TResponse> answer)
    {
        _answers[typeof(TRequest)] = r => answer((TRequest)r)!;
        return this;
    }

    public IEnumerable<T> SentOf<T>() => Sent.OfType<T>();

    private ValueTask<TResponse> Answer<TResponse>(object request)
    {
        Sent.Enqueue(request);
        if (!_answers.TryGetValue(request.GetType(), out var answer))
            throw new InvalidOperationException($"The test did not set up an answer for {request.GetType().Name}.");
        return ValueTask.FromResult((TResponse)answer(request));
    }

    public ValueTask<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default) => Answer<TResponse>(request);

    public ValueTask<TResponse> Send<TResponse>(ICommand<TResponse> command, CancellationToken cancellationToken = default) => Answer<TResponse>(command);

    public ValueTask<TResponse> Send<TResponse>(IQuery<TResponse> query, CancellationToken cancellationToken = default) => Answer<TResponse>(query);

    public ValueTask<object?> Send(object message, CancellationToken cancellationToken = default) => Answer<object?>(message);

    public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamQuery<TResponse> query, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The console sends no stream requests.");

    public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamRequest<TResponse> request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The console sends no stream requests.");

    public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamCommand<TResponse> command, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The console sends no stream requests.");

    public IAsyncEnumerable<object?> CreateStream(object message, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The console sends no stream requests.");
}
