using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Registry;

/// <summary>A webhook endpoint on 127.0.0.1 that keeps every JSON body it receives and answers <see cref="StatusCode"/>.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public WebhookReceiver()
    {
        Url = $"http://127.0.0.1:{FreePort.Next()}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(Loop);
    }

    public string Url { get; }

    public ConcurrentQueue<JsonElement> Received { get; } = new();

    /// <summary>What the receiver answers (a failing receiver answers 500); bodies are kept whatever it answers.</summary>
    public int StatusCode { get; set; } = 204;

    private async Task Loop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using (var reader = new StreamReader(context.Request.InputStream))
            {
                Received.Enqueue(JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone());
            }
            context.Response.StatusCode = StatusCode;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
