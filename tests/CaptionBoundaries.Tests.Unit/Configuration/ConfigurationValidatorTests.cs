using CaptionBoundaries.Infrastructure.Configuration;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Tests.Configuration;

public sealed class ConfigurationValidatorTests
{
    private static IReadOnlyList<ConfigurationError> Validate(params (string Key, string? Value)[] settings) =>
        ConfigurationValidator.Validate(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void The_shipped_defaults_are_valid()
    {
        var appsettings = Path.Combine(ConfigurationTestFiles.HostFolder, "appsettings.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(appsettings).AddJsonFile(
            Path.Combine(ConfigurationTestFiles.HostFolder, "appsettings.Development.json")).Build();

        Assert.Empty(ConfigurationValidator.Validate(configuration));
    }

    [Theory]
    [InlineData("Cluster:Slots", "abc", "whole number")]
    [InlineData("Cluster:Slots", "0", "from 1 to 64")]
    [InlineData("Cluster:Device", "tpu", "expected one of: cpu, cuda")]
    [InlineData("Cluster:Clustering", "zookeeper", "expected one of: localhost, adonet")]
    [InlineData("Cluster:SiloPort", "70000", "from 1 to 65535")]
    [InlineData("Cluster:NodeName", "rack/1", "cannot contain '/'")]
    [InlineData("Database:Provider", "oracle", "expected one of: sqlite, postgres, sqlserver")]
    [InlineData("Ui:RefreshInterval", "soon", "expected a duration")]
    [InlineData("CaptionBoundaries:DatasetVersions:GarbageGracePeriod", "-00:01:00", "positive duration")]
    [InlineData("CaptionBoundaries:DataFolder", "", "is empty")]
    [InlineData("Scheduling:DefaultUserSlotQuota", "0", "from 1 to 10000")]
    [InlineData("Scheduling:UserQuotas:alice", "many", "whole number")]
    [InlineData("Scheduling:UsageHalfLife", "00:00:00", "positive duration")]
    public void A_bad_value_is_reported_under_its_key(string key, string value, string expected)
    {
        var error = Assert.Single(Validate((key, value)));

        Assert.Equal(key, error.Key);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_server_database_needs_a_connection_string_and_the_message_says_which_provider_needs_it()
    {
        var error = Assert.Single(Validate(("Database:Provider", "postgres")));

        Assert.Equal("Database:ConnectionString", error.Key);
        Assert.Contains("'Database:Provider' is 'postgres'", error.Message);
        Assert.Empty(Validate(("Database:Provider", "postgres"), ("Database:ConnectionString", "Host=127.0.0.1;Username=postgres")));
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_without_echoing_the_secret()
    {
        var error = Assert.Single(Validate(("Database:Provider", "postgres"), ("Database:ConnectionString", "Password=hunter2;=broken")));

        Assert.Equal("Database:ConnectionString", error.Key);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void Equal_silo_and_gateway_ports_are_refused()
    {
        var error = Assert.Single(Validate(("Cluster:SiloPort", "12000"), ("Cluster:GatewayPort", "12000")));

        Assert.Equal("Cluster:GatewayPort", error.Key);
    }

    [Fact]
    public void Each_webhook_is_checked_and_named_by_its_index()
    {
        var error = Assert.Single(Validate(("Registry:Webhooks:0", "https://hooks.example/ok"), ("Registry:Webhooks:1", "ftp://nope")));

        Assert.Equal("Registry:Webhooks:1", error.Key);
    }

    [Fact]
    public void A_mistyped_key_is_named_with_the_keys_that_exist()
    {
        var error = Assert.Single(Validate(("Cluster:Slot", "2")));

        Assert.Equal("Cluster:Slot", error.Key);
        Assert.Contains("Cluster:Slots", error.Message);
    }

    [Fact]
    public void Per_user_slot_quotas_are_accepted_under_any_user_name_but_a_mistyped_scheduling_key_is_not()
    {
        Assert.Empty(Validate(("Scheduling:DefaultUserSlotQuota", "2"), ("Scheduling:UserQuotas:alice", "1"),
            ("Scheduling:UserQuotas:bob.smith", "3"), ("Scheduling:UsageHalfLife", "12:00:00")));

        var error = Assert.Single(Validate(("Scheduling:UserQuota:alice", "1")));
        Assert.Equal("Scheduling:UserQuota:alice", error.Key);
        Assert.Contains("Scheduling:UserQuotas", error.Message);
    }

    [Fact]
    public void A_plugins_folder_that_does_not_exist_is_refused()
    {
        using var temp = new TempFolder("cb-config");

        Assert.Empty(Validate(("CaptionBoundaries:PluginsFolder", temp.Path)));
        var error = Assert.Single(Validate(("CaptionBoundaries:PluginsFolder", temp.Combine("missing"))));
        Assert.Equal("CaptionBoundaries:PluginsFolder", error.Key);
    }

    [Fact]
    public void Cuda_is_refused_on_a_machine_without_a_visible_gpu()
    {
        var errors = Validate(("Cluster:Device", "cuda"));

        if (TorchSharp.torch.cuda.is_available()) Assert.Empty(errors);
        else Assert.Equal("Cluster:Device", Assert.Single(errors).Key);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var errors = Validate(("Cluster:Slots", "x"), ("Database:Provider", "oracle"), ("Ui:Refresh", "1"));

        Assert.Equal(["Cluster:Slots", "Database:Provider", "Ui:Refresh"], errors.Select(e => e.Key).Order().ToArray());
        var exception = new InvalidConfigurationException(errors);
        Assert.Contains("'Cluster:Slots'", exception.Message);
        Assert.Contains("'Ui:Refresh'", exception.Message);
    }
}
