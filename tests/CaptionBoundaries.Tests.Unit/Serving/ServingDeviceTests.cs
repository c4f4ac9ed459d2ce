using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Serving;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>Serving follows the node's worker slots (Cluster:Device), says so once, and refuses CUDA it cannot have at start-up.</summary>
public class ServingDeviceTests
{
    private sealed class Lines : ILogger, ILoggerProvider
    {
        public List<string> Logged { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Logged) Logged.Add($"{logLevel}: {formatter(state, exception)}");
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }
    }

    private static (ServiceProvider Services, Lines Log) Serving(string? device)
    {
        var settings = new Dictionary<string, string?>();
        if (device is not null) settings["Cluster:Device"] = device;
        var log = new Lines();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging(b => b.AddProvider(log))
            .AddModelServing()
            .BuildServiceProvider();
        return (services, log);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData(null)]
    public void Cpu_slots_serve_on_the_cpu_and_say_so_once(string? configured)
    {
        var (services, log) = Serving(configured);
        using (services)
        {
            var device = services.GetRequiredService<ServingDevice>();
            Assert.Equal(DeviceType.CPU, device.Device.type);
            Assert.True(device.IsCpu);
            services.GetRequiredService<ServingDevice>();
            var line = Assert.Single(log.Logged, l => l.Contains("Serving runs on"));
            Assert.Equal("Information: Serving runs on cpu: this node's worker slots are cpu (Cluster:Device=cpu).", line);
        }
    }

    [Fact]
    public void Cuda_slots_without_cuda_stop_serving_at_start_with_the_reason()
    {
        var (services, log) = Serving("cuda");
        using (services)
        {
            if (cuda.is_available())
            {
                // On a GPU machine the same configuration serves on the GPU.
                Assert.Equal(DeviceType.CUDA, services.GetRequiredService<ServingDevice>().Device.type);
                Assert.Contains(log.Logged, l => l.Contains("Serving runs on cuda: this node's worker slots are cuda"));
                return;
            }
            var refused = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<ServingDevice>());
            Assert.Contains("Cluster:Device=cuda", refused.Message);
            Assert.Contains("no CUDA device is visible", refused.Message);
            Assert.DoesNotContain(log.Logged, l => l.Contains("Serving runs on"));
        }
    }
}
