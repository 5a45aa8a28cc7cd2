using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
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
        await new Local.PaymentWebhookSender(http).SendAsync(partner.PartnerId, partner.WebhookSecret, new Contract.PaymentData("o1", sku, 1, 10m, "CNY", "b"));

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

    [Fact]
    public async Task Rotation_rewraps_every_data_key_and_partner_secret_so_the_old_version_can_be_disabled()
    {
        await using var vault = await KeyVaultStandIn.StartAsync();
        var old = vault.AddVersion("card-key-kek", RandomNumberGenerator.GetBytes(32));
        var queue = "fulfil-" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?> { ["KeyVault:Uri"] = vault.Uri.ToString(), ["DevKek:Key"] = "", ["OrderFulfilmentQueue"] = queue };
        Contract.CreatedPartner partner;
        string sku = "sku-" + Guid.NewGuid().ToString("N")[..10];
        var stripeSecret = Local.StripeEventSender.NewEndpointSecret();
        await using (var before = await Local.LocalApp.StartAsync(storage.ConnectionString, settings, replaceServices: services => services.AddSingleton(SecretClientTrusting(vault))))
        {
            var ops = new Local.OpsClient(before.CreateClient(Local.LocalApp.OpsKey));
            partner = await ops.CreatePartnerAsync("p-" + Guid.NewGuid().ToString("N")[..10], "Rotating shop");
            await ops.SaveSkuAsync(sku, "Card", "card-key", 10m, "CNY");
            await ops.ImportKeysAsync(sku, ["ROTATED-KEY-1"]);
            await ops.ImportKeysAsync(sku, ["ROTATED-KEY-2", "ROTATED-KEY-3"]);
            await ops.AddPaymentCredentialAsync(partner.PartnerId, new Contract.PaymentCredentialRequest("stripe", EndpointSecret: stripeSecret));
        }

        var current = vault.AddVersion("card-key-kek", RandomNumberGenerator.GetBytes(32));
        await using var app = await Local.LocalApp.StartAsync(storage.ConnectionString, settings, replaceServices: services => services.AddSingleton(SecretClientTrusting(vault)));
        using var asOps = app.CreateClient(Local.LocalApp.OpsKey);
        string? token = null;
        var calls = 0;
        var rewrapped = 0;
        do
        {
            // The first call stops after two rows; the rest resume from its token (other tests' rows are in these tables too).
            var response = await asOps.PostAsJsonAsync("api/ops/kek/rotate", new { continuationToken = token, maxRows = calls == 0 ? 2 : 5000 });
            var progress = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(current, progress.GetProperty("kekVersion").GetString());
            rewrapped += progress.GetProperty("rewrapped").GetInt32();
            token = progress.GetProperty("continuationToken").GetString();
            calls++;
        }
        while (token is not null);

        Assert.True(calls > 1, "the rotation resumed from its continuation token");
        Assert.True(rewrapped >= 4, "two data keys, the fingerprint key and the partner's secrets");
        var again = await (await asOps.PostAsJsonAsync("api/ops/kek/rotate", new { })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("rewrapped").GetInt32());
        var ours = await storage.Tables.GetTableClient(TableNames.DataKeys).QueryAsync<TableEntity>(e => e.PartitionKey == sku).ToListAsync();
        Assert.All(ours, k => Assert.Equal(current, k.GetString("KekVersion")));
        Assert.Equal(current, (await storage.Tables.GetTableClient(TableNames.Partners).GetEntityAsync<TableEntity>(partner.PartnerId, "partner")).Value.GetString("KekVersion"));
        Assert.Equal(HttpStatusCode.BadRequest, (await asOps.PostAsJsonAsync("api/ops/kek/rotate", new { continuationToken = "forged" })).StatusCode);

        vault.Disable(old);
        await using var after = await Local.LocalApp.StartAsync(storage.ConnectionString, settings, replaceServices: services => services.AddSingleton(SecretClientTrusting(vault)));
        using var http = after.CreateClient();
        (await new Local.PaymentWebhookSender(http).SendAsync(partner.PartnerId, partner.WebhookSecret, new Contract.PaymentData("o1", sku, 2, 20m, "CNY", "b")))
            .EnsureSuccessStatusCode();
        using var asPartner = after.CreateClient(partner.ApiKey);
        await Scenario.EventuallyAsync(async () =>
        {
            var order = await asPartner.GetStringAsync($"api/partners/{partner.PartnerId}/orders/o1");
            return order.Contains("\"delivered\"", StringComparison.Ordinal) && order.Split("ROTATED-KEY-").Length == 3;
        }, "order delivered with keys sealed before the rotation");

        // The payment-provider credentials sealed with the partner's secrets were re-wrapped too: Stripe still verifies.
        var opened = await Local.OpsClient.ReadAsync<Contract.OpenedOrder>(await asPartner.PostAsJsonAsync(
            $"api/partners/{partner.PartnerId}/orders", new Contract.OpenOrderRequest("o2", sku, 1, "b")));
        var paid = await new Local.StripeEventSender(http).SendAsync(partner.PartnerId, stripeSecret, Local.StripeEventSender.CheckoutSessionEvent(
            "evt_rotated", "pi_rotated", opened.PaymentReference, opened.AmountInMinorUnits, opened.Currency));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        await Scenario.EventuallyAsync(async () =>
            (await asPartner.GetStringAsync($"api/partners/{partner.PartnerId}/orders/o2")).Contains("ROTATED-KEY-", StringComparison.Ordinal),
            "the Stripe-paid order delivered after the old KEK version was disabled");
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
