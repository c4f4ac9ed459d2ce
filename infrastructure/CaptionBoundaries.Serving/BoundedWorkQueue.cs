using CaptionBoundaries.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Serving;

/// <summary>
/// Work done on the side of a request path, bounded: at most <c>capacity</c> items wait, at most <c>maxBytes</c> of their
/// inputs are held (waiting or in progress), and one group of at most <c>maxGroup</c> items is processed at a time (what
/// waited is taken together, so a batching consumer can answer it in one pass). An item that does not fit is refused at
/// once (the caller counts it as dropped) instead of waiting, so the caller never slows down because of the queue. A
/// failed group is logged and the next one runs.
/// </summary>
public sealed class BoundedWorkQueue<T>
{
    private readonly object _gate = new();
    private readonly Queue<(T Item, long Bytes)> _items = new();
    private readonly int _capacity, _maxGroup;
    private readonly long _maxBytes;
    private readonly Func<IReadOnlyList<T>, Task> _process;
    private readonly ILogger _logger;
    private long _heldBytes;
    private bool _draining, _closed;
    private Task _drain = Task.CompletedTask;

    public BoundedWorkQueue(int capacity, long maxBytes, int maxGroup, Func<IReadOnlyList<T>, Task> process, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroup, 1);
        _capacity = capacity;
        _maxGroup = maxGroup;
        _maxBytes = maxBytes;
        _process = process;
        _logger = logger;
    }

    /// <summary>Items waiting (not counting the group in progress).</summary>
    public int Waiting
    {
        get { lock (_gate) return _items.Count; }
    }

    /// <summary>Bytes of the waiting items and of the group in progress.</summary>
    public long HeldBytes
    {
        get { lock (_gate) return _heldBytes; }
    }

    /// <summary>Queues the item, or refuses it (false) when the queue is full, its bytes would pass the limit, or the queue is closed.</summary>
    public bool TryEnqueue(T item, long bytes)
    {
        lock (_gate)
        {
            if (_closed || _items.Count >= _capacity || _heldBytes + bytes > _maxBytes) return false;
            _items.Enqueue((item, bytes));
            _heldBytes += bytes;
            if (_draining) return true;
            _draining = true;
            _drain = Task.Run(DrainAsync);
        }
        return true;
    }

    /// <summary>Refuses new items; the ones already queued still run. Completes when the queue is empty.</summary>
    public Task CloseAsync()
    {
        lock (_gate)
        {
            _closed = true;
            return _drain;
        }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            var group = new List<T>();
            long bytes = 0;
            lock (_gate)
            {
                if (_items.Count == 0)
                {
                    _draining = false;
                    return;
                }
                while (group.Count < _maxGroup && _items.TryDequeue(out var next))
                {
                    group.Add(next.Item);
                    bytes += next.Bytes;
                }
            }
            try
            {
                await _process(group);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Side work failed ({Count} items); the next group runs.", group.Count);
            }
            finally
            {
                lock (_gate) _heldBytes -= bytes;
            }
        }
    }
}
