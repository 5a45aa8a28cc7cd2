using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;

namespace Fulfilment.Tests;

public sealed class StartupTests
{
    /// <summary>The least a Development app needs to build (also used by the infrastructure test).</summary>
    internal static readonly Dictionary<string, string?> Settings = new()
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["OrderFulfilmentQueue"] = "order-fulfilment",
        ["RedemptionRetryQueue"] = "redemption-retries",
        ["PartnerNotificationQueue"] = "partner-notifications",
        ["Ops:ApiKey"] = "an-ops-key-for-the-startup-test",
        ["DevKek:Key"] = Convert.ToBase64String(new byte[32]),
        ["Risk:IdentityHashKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray()),
    };

    private const string StrongOpsKey = "n7Qv2LrX9pKc4WzT8mYb3HdF6sJg1AeU0oNi";

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Outside_Development_the_app_refuses_to_start_without_Key_Vault(string environment)
    {
        var settings = new Dictionary<string, string?>(Settings) { ["Ops:ApiKey"] = StrongOpsKey };
        var error = Assert.Throws<InvalidOperationException>(() =>
            FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings), environment));
        Assert.Contains($"KeyVault:Uri is required in {environment}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ops:ApiKey", "@Microsoft.KeyVault(SecretUri=https://kv-fulfil.vault.azure.net/secrets/ops-api-key/)", "Development")]
    [InlineData("Suppliers:alpha:ApiKey", "@Microsoft.KeyVault(VaultName=kv-fulfil;SecretName=alpha-key)", "Production")]
    [InlineData("Ops:ApiKey", "local-ops-key-change-me", "Production")]
    [InlineData("Ops:ApiKey", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Production")]
    [InlineData("Ops:ApiKey", "short-but-random-Qx7", "Production")]
    [InlineData("DevKek:Key", "ZGV2LWtlay1mb3ItbG9jYWwtdXNlLW9ubHktMzJieXQ=", "Production")]
    [InlineData("Risk:IdentityHashKey", "bG9jYWwtaWRlbnRpdHktaGFzaC1rZXktY2hhbmdlLW1l", "Production")]
    [InlineData("Risk:IdentityHashKey", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "Production")]
    [InlineData("Egress:AllowPrivateNetworks", "true", "Production")]
    [InlineData("Suppliers:alpha:BaseUrl", "http://supplier.example.com/", "Production")]
    public void An_unresolved_sample_or_weak_secret_stops_the_app(string setting, string value, string environment)
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Ops:ApiKey"] = StrongOpsKey,
            ["KeyVault:Uri"] = "https://kv-fulfil.vault.azure.net/",
            ["DevKek:Key"] = null,
            [setting] = value,
        };
        var error = Assert.Throws<InvalidOperationException>(() =>
            FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings), environment));
        Assert.Contains(setting.Split(':')[0], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("smoke-signals", "Protocol")]
    [InlineData("", "Protocol")]
    [InlineData("reloadly", "ClientId")]
    [InlineData("reloadly-giftcards", "ClientSecret")]
    [InlineData("dtone", "ApiSecret")]
    public async Task A_supplier_naming_a_protocol_the_app_does_not_speak_or_missing_its_credentials_stops_the_app_at_start(string protocol, string named)
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Suppliers:alpha:BaseUrl"] = "https://supplier.example/",
            ["Suppliers:alpha:ApiKey"] = "a-supplier-key",
            ["Suppliers:alpha:Protocol"] = protocol,
        };
        var app = FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings), "Development");
        await using var disposable = (IAsyncDisposable)app;
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("too-short-Qx7")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task A_dt_one_callback_secret_that_is_missing_short_or_not_random_stops_the_app(string secret)
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Suppliers:dtone:Protocol"] = "dtone",
            ["Suppliers:dtone:BaseUrl"] = "https://dvs.example/v1/",
            ["Suppliers:dtone:ApiKey"] = "key",
            ["Suppliers:dtone:ApiSecret"] = "secret",
            ["Suppliers:dtone:CallbackBaseUrl"] = "https://fulfil.example/",
            ["Suppliers:dtone:CallbackSecret"] = secret,
        };
        var app = FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings), "Development");
        await using var disposable = (IAsyncDisposable)app;
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("CallbackSecret", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reloadly_token_server_on_a_private_address_stops_the_app()
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Egress:AllowPrivateNetworks"] = "false",
            ["Suppliers:reloadly:Protocol"] = "reloadly",
            ["Suppliers:reloadly:BaseUrl"] = "https://topups.example/",
            ["Suppliers:reloadly:AuthUrl"] = "http://169.254.169.254/",
            ["Suppliers:reloadly:ClientId"] = "id",
            ["Suppliers:reloadly:ClientSecret"] = "secret",
        };
        var error = Assert.Throws<InvalidOperationException>(() =>
            FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings), "Development"));
        Assert.Contains("Suppliers:reloadly:AuthUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Development_starts_with_the_development_KEK()
    {
        using var app = (IDisposable)FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(Settings), "Development");
        Assert.NotNull(app);
    }

    [Fact]
    public void Storage_can_be_reached_by_identity_with_the_account_name_alone()
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["AzureWebJobsStorage"] = null,
            ["AzureWebJobsStorage:accountName"] = "fulfilstore",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        };
        var app = FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings), "Development");
        using var disposable = (IDisposable)app;

        Assert.Equal("https://fulfilstore.table.core.windows.net/", app.Services.GetRequiredService<TableServiceClient>().Uri.ToString());
        Assert.Equal("https://fulfilstore.queue.core.windows.net/", app.Services.GetRequiredService<QueueServiceClient>().Uri.ToString());
    }

    [Fact]
    public void Without_any_storage_setting_the_app_says_what_to_set()
    {
        var settings = new Dictionary<string, string?>(Settings) { ["AzureWebJobsStorage"] = null };
        var error = Assert.Throws<InvalidOperationException>(() =>
            FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings), "Development"));
        Assert.Contains("AzureWebJobsStorage__accountName", error.Message, StringComparison.Ordinal);
    }
}
