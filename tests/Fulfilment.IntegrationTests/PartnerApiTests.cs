using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Fulfilment.Local;
using Fulfilment.Orders;
using Fulfilment.RedemptionLog;

namespace Fulfilment.IntegrationTests;

[Collection(StorageCollection.Name)]
public sealed class PartnerApiTests(StorageFixture storage)
{
    [Fact]
    public async Task The_OpenAPI_document_is_served_without_credentials_exactly_as_checked_in()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        using var response = await scenario.Http.GetAsync("api/openapi.json");
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Find(), "docs", "openapi.json")), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Revoked_api_key_fails_while_the_partners_other_keys_keep_working()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);
        var added = await (await ops.PostAsync($"api/ops/partners/{partner.PartnerId}/api-keys", null)).Content.ReadFromJsonAsync<JsonElement>();
        var secondKey = added.GetProperty("apiKey").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(scenario, secondKey, $"api/partners/{partner.PartnerId}/redemptions"));

        var revoke = await ops.DeleteAsync($"api/ops/partners/{partner.PartnerId}/api-keys/{added.GetProperty("keyId").GetString()}");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(scenario, secondKey, $"api/partners/{partner.PartnerId}/redemptions"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(scenario, partner.ApiKey, $"api/partners/{partner.PartnerId}/redemptions"));
        Assert.Equal(HttpStatusCode.NotFound, (await ops.DeleteAsync($"api/ops/partners/{partner.PartnerId}/api-keys/0123456789abcdef")).StatusCode);
    }

    [Fact]
    public async Task A_partner_over_its_rate_gets_429_with_Retry_After_and_other_partners_are_not_affected()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false, settings: new() { ["PartnerApi:RequestsPerSecond"] = "3" });
        var busy = await scenario.NewPartnerAsync();
        var quiet = await scenario.NewPartnerAsync();
        using var client = scenario.App.CreateClient(busy.ApiKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.GetAsync($"api/partners/{busy.PartnerId}/redemptions")));

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(scenario, quiet.ApiKey, $"api/partners/{quiet.PartnerId}/redemptions"));
    }

    [Fact]
    public async Task Unauthenticated_traffic_is_limited_by_source_and_never_spends_a_partners_budget()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false,
            settings: new() { ["PartnerApi:RequestsPerSecond"] = "5", ["PartnerApi:SourceRequestsPerSecond"] = "10" });
        var partner = await scenario.NewPartnerAsync();
        using var anonymous = scenario.App.CreateClient();
        using var forger = scenario.App.CreateClient("not-a-real-key-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(scenario, partner.ApiKey, $"api/partners/{partner.PartnerId}/redemptions"));

        // 80 requests naming the partner, with no key or a bad one: they are held to the source's rate...
        var statuses = await Task.WhenAll(Enumerable.Range(0, 80).Select(i =>
            (i % 2 == 0 ? anonymous : forger).GetAsync($"api/partners/{partner.PartnerId}/redemptions")));
        Assert.Contains(statuses, r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.All(statuses, r => Assert.True(r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests));

        // ...and the partner's own keyed request, right then, is answered: it was not their budget.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(scenario, partner.ApiKey, $"api/partners/{partner.PartnerId}/redemptions"));
    }

    [Fact]
    public async Task Correctly_signed_webhooks_are_never_limited_by_source_but_failing_ones_are()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false, settings: new() { ["PartnerApi:SourceRequestsPerSecond"] = "5" });
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();

        var signed = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => scenario.PayAsync(partner, sku, $"order-{i}")));
        Assert.All(signed, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode)); // a flash sale from one backend

        var forged = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => scenario.PayAsync(partner with { WebhookSecret = "whsec_" + Convert.ToBase64String(new byte[32]) }, sku, $"forged-{i}")));
        Assert.Contains(forged, r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.All(forged, r => Assert.True(r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task A_whole_day_exports_as_NDJSON_for_its_partner_only()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var other = await scenario.NewPartnerAsync();
        var day = DateTimeOffset.UtcNow.Date.AddDays(-2);
        var log = scenario.Service<RedemptionLogBook>();
        foreach (var (orderId, at) in new[] { ("o-1", day.AddHours(1)), ("o-2", day.AddHours(5)), ("o-3", day.AddHours(23)), ("next-day", day.AddDays(1)) })
        {
            var time = new DateTimeOffset(at, TimeSpan.Zero);
            await log.AppendAsync(new Order(partner.PartnerId, orderId, "sku", "card-key", 1, 10m, "CNY", "b", null, "m", OrderState.Delivered, null, [], time, time, ETag.All) { FinalAt = time }, default);
        }

        using var client = scenario.App.CreateClient(partner.ApiKey);
        var response = await client.GetAsync($"api/partners/{partner.PartnerId}/redemptions/export?day={day:yyyy-MM-dd}");

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["o-1", "o-2", "o-3"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("orderId").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(scenario, other.ApiKey, $"api/partners/{partner.PartnerId}/redemptions/export?day={day:yyyy-MM-dd}"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(scenario, partner.ApiKey, $"api/partners/{partner.PartnerId}/redemptions/export?day=yesterday"));
    }

    private static async Task<HttpStatusCode> StatusAsync(Scenario scenario, string apiKey, string path)
    {
        using var client = scenario.App.CreateClient(apiKey);
        return (await client.GetAsync(path)).StatusCode;
    }
}
