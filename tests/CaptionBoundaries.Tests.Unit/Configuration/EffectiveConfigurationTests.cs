using CaptionBoundaries.Infrastructure.Configuration;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Tests.Configuration;

public sealed class EffectiveConfigurationTests : IDisposable
{
    private const string SlotsVariable = "CAPTIONBOUNDARIES_Cluster__Slots";
    private readonly TempFolder _temp = new("cb-effective");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(SlotsVariable, null);
        _temp.Dispose();
    }

    [Fact]
    public void Each_value_is_labelled_with_the_source_that_won()
    {
        File.WriteAllText(_temp.Combine("appsettings.json"), """{ "Cluster": { "Slots": 1, "ClusterId": "from-base" } }""");
        File.WriteAllText(_temp.Combine("appsettings.Staging.json"), """{ "Cluster": { "Slots": 2, "Device": "cpu" } }""");
        Environment.SetEnvironmentVariable(SlotsVariable, "3");
        var configuration = new ConfigurationBuilder()
            .AddCaptionBoundariesSources(_temp.Path, "Staging", new Dictionary<string, string?> { ["Database:Provider"] = "sqlite" })
            .Build();

        var settings = EffectiveConfiguration.Read(configuration).ToDictionary(s => s.Key);

        Assert.Equal(("3", "environment variable"), (settings["Cluster:Slots"].Value, settings["Cluster:Slots"].Source));
        Assert.Equal(("cpu", "appsettings.Staging.json"), (settings["Cluster:Device"].Value, settings["Cluster:Device"].Source));
        Assert.Equal(("from-base", "appsettings.json"), (settings["Cluster:ClusterId"].Value, settings["Cluster:ClusterId"].Source));
        Assert.Equal("command line / host", settings["Database:Provider"].Source);
        Assert.True(settings["Cluster:GatewayPort"].IsDefault);
        Assert.Equal("CAPTIONBOUNDARIES_Cluster__GatewayPort", settings["Cluster:GatewayPort"].EnvironmentVariable);
    }

    [Fact]
    public void Secrets_are_masked_but_the_rest_of_the_value_stays_readable()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "postgres",
            ["Database:ConnectionString"] = "Host=db.internal;Username=cb;Password=hunter2",
            ["Cluster:AdoNetConnectionString"] = "Server=sql;User Id=sa;Pwd=s3cret",
            ["Registry:Webhooks:0"] = "https://bot:tok@hooks.example/deploy?token=abc123",
        }).Build();

        var settings = EffectiveConfiguration.Read(configuration);
        var shown = string.Join("\n", settings.Select(s => s.Value));

        Assert.DoesNotContain("hunter2", shown);
        Assert.DoesNotContain("s3cret", shown);
        Assert.DoesNotContain("abc123", shown);
        Assert.DoesNotContain("tok@", shown);
        Assert.Contains("host=db.internal", settings.Single(s => s.Key == "Database:ConnectionString").Value);
        Assert.Contains("hooks.example/deploy", settings.Single(s => s.Key == "Registry:Webhooks:0").Value);
    }
}
