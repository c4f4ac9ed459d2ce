using System.Net;
using System.Net.Http.Json;

namespace CaptionBoundaries.Tests.Isolation;

/// <summary>A client predicting with a served model back to back until stopped, counting answers and keeping every failure.</summary>
public sealed class PredictionLoop : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<string> _failures = [];
    private int _answered;

    public PredictionLoop(IsolatedServer server, string model, object body)
    {
        _loop = Task.Run(async () =>
        {
            using var http = server.Http();
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync($"/api/models/{model}/predict", body, _stop.Token);
                    if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref _answered);
                    else
                    {
                        var failure = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                        lock (_failures) _failures.Add(failure);
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    lock (_failures) _failures.Add(e.Message);
                }
                // Paced so the client does not compete with the runs for the two cores.
                try { await Task.Delay(100, _stop.Token); } catch (OperationCanceledException) { }
            }
        });
    }

    public int Answered => Volatile.Read(ref _answered);

    public IReadOnlyList<string> Failures
    {
        get { lock (_failures) return _failures.ToList(); }
    }

    public void Stop()
    {
        _stop.Cancel();
        _loop.Wait(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }
}
