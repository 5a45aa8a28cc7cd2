using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>A leaked webhook secret or API key can be retired, with an overlap for rotation; ops see every credential's use.</summary>
[Collection(StorageCollection.Name)]
public sealed class CredentialRotationTests(StorageFixture storage)
{
    [Fact]
    public async Task Webhook_secrets_and_API_keys_are_listed_with_their_use_and_retired_ones_open_nothing()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);
        var root = $"api/ops/partners/{partner.PartnerId}";
        var second = await (await ops.PostAsJsonAsync($"{root}/webhook-secrets", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var newSecret = second.GetProperty("webhookSecret").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await scenario.PayAsync(partner, sku, "order-1")).StatusCode);

        var listed = await ops.GetFromJsonAsync<JsonElement>($"{root}/credentials");
        var secrets = listed.GetProperty("webhookSecrets").EnumerateArray().ToList();
        Assert.Equal(2, secrets.Count);
        Assert.DoesNotContain(partner.WebhookSecret, listed.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(partner.ApiKey, listed.ToString(), StringComparison.Ordinal);
        var leaked = secrets.Single(s => s.GetProperty("lastUsedAt").ValueKind == JsonValueKind.String); // it signed order-1
        Assert.Equal(second.GetProperty("secretId").GetString(), secrets.Single(s => s.GetProperty("lastUsedAt").ValueKind == JsonValueKind.Null).GetProperty("secretId").GetString());

        // The leaked secret is retired at once: it forges nothing any more; the new one works.
        var retired = await ops.PostAsJsonAsync($"{root}/webhook-secrets/{leaked.GetProperty("secretId").GetString()}/retire", new { overlapMinutes = 0 });
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await scenario.PayAsync(partner, sku, "order-2")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await scenario.PayAsync(partner with { WebhookSecret = newSecret }, sku, "order-2")).StatusCode);
        var last = await ops.PostAsJsonAsync($"{root}/webhook-secrets/{second.GetProperty("secretId").GetString()}/retire", new { overlapMinutes = 0 });
        Assert.Equal(HttpStatusCode.Conflict, last.StatusCode); // never lock a partner out: add a new secret first

        // API keys: a second one, then the first retired with an overlap (still works), then at once (refused).
        var added = await (await ops.PostAsJsonAsync($"{root}/api-keys", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var firstKeyId = listed.GetProperty("apiKeys")[0].GetProperty("keyId").GetString();
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"{root}/api-keys/{firstKeyId}/retire", new { overlapMinutes = 30 })).StatusCode);
        Assert.NotNull(await scenario.GetOrderAsync(partner, "order-1"));
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"{root}/api-keys/{firstKeyId}/retire", new { overlapMinutes = 0 })).StatusCode);
        using var withOldKey = scenario.App.CreateClient(partner.ApiKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withOldKey.GetAsync($"api/partners/{partner.PartnerId}/orders/order-1")).StatusCode);
        Assert.NotNull(await scenario.GetOrderAsync(partner, "order-1", added.GetProperty("apiKey").GetString()));

        var after = await ops.GetFromJsonAsync<JsonElement>($"{root}/credentials");
        Assert.Contains(after.GetProperty("apiKeys").EnumerateArray(), k => k.GetProperty("keyId").GetString() == firstKeyId && !k.GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.PostAsJsonAsync($"{root}/api-keys/{firstKeyId}/retire", new { overlapMinutes = -1 })).StatusCode);
    }
}
