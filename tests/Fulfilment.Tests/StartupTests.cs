using Microsoft.Extensions.Configuration;

namespace Fulfilment.Tests;

public sealed class StartupTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["OrderFulfilmentQueue"] = "order-fulfilment",
        ["RedemptionRetryQueue"] = "redemption-retries",
        ["PartnerNotificationQueue"] = "partner-notifications",
        ["Ops:ApiKey"] = "an-ops-key-for-the-startup-test",
        ["DevKek:Key"] = Convert.ToBase64String(new byte[32]),
    };

    [Fact]
    public void Production_refuses_to_start_without_Key_Vault()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(Settings), "Production"));
        Assert.Contains("KeyVault:Uri is required in Production", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Development_starts_with_the_development_KEK()
    {
        using var app = (IDisposable)FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(Settings), "Development");
        Assert.NotNull(app);
    }
}
