using System.Security.Cryptography;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Security.KeyVault.Secrets;
using Fulfilment.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Fulfilment.IntegrationTests;

[Collection(StorageCollection.Name)]
public sealed class KeyVaultKekTests(StorageFixture storage)
{
    [Fact]
    public async Task Card_keys_are_protected_by_the_Key_Vault_KEK_read_through_SecretClient()
    {
        await using var vault = await KeyVaultStandIn.StartAsync();
        var version = vault.AddVersion("card-key-kek", RandomNumberGenerator.GetBytes(32));
        var queue = "fulfil-" + Guid.NewGuid().ToString("N")[..12];
        await using var app = await Local.LocalApp.StartAsync(
            storage.ConnectionString,
            new Dictionary<string, string?> { ["KeyVault:Uri"] = vault.Uri.ToString(), ["DevKek:Key"] = "", ["OrderFulfilmentQueue"] = queue },
            replaceServices: services => services.AddSingleton(SecretClientTrusting(vault)));
        var ops = new Local.OpsClient(app.CreateClient(Local.LocalApp.OpsKey));
        var partner = await ops.CreatePartnerAsync("p-" + Guid.NewGuid().ToString("N")[..10], "Vaulted shop");
        var sku = "sku-" + Guid.NewGuid().ToString("N")[..10];
        await ops.SaveSkuAsync(sku, "Card", "card-key", 10m, "CNY");
        await ops.ImportKeysAsync(sku, ["VAULTED-KEY-1"]);
        using var http = app.CreateClient();
        await new Local.PaymentWebhookSender(http).SendAsync(partner.PartnerId, partner.WebhookSecret, new Local.PaymentData("o1", sku, 1, 10m, "CNY", "b"));

        using var asPartner = app.CreateClient(partner.ApiKey);
        await Scenario.EventuallyAsync(async () =>
            (await asPartner.GetStringAsync($"api/partners/{partner.PartnerId}/orders/o1")).Contains("VAULTED-KEY-1", StringComparison.Ordinal),
            "order delivered with its key");

        Assert.True(vault.Challenges >= 1, "SecretClient went through the bearer challenge");
        Assert.True(vault.AuthorizedReads >= 1);
        var dataKeys = await storage.Tables.GetTableClient(TableNames.DataKeys).QueryAsync<TableEntity>(e => e.PartitionKey == sku).ToListAsync();
        Assert.NotEmpty(dataKeys);
        Assert.All(dataKeys, k => Assert.Equal(version, k.GetString("KekVersion")));
    }

    private static SecretClient SecretClientTrusting(KeyVaultStandIn vault)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == vault.Certificate.Thumbprint,
        };
        var options = new SecretClientOptions { DisableChallengeResourceVerification = true, Transport = new HttpClientTransport(handler) };
        return new SecretClient(vault.Uri, new StaticToken(), options);
    }

    /// <summary>The identity provider cannot run here; the vault stand-in accepts this token.</summary>
    private sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(KeyVaultStandIn.AccessToken, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
