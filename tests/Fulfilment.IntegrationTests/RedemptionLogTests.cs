using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Fulfilment.Contract;
using Fulfilment.Crypto;
using Fulfilment.Delivery;
using Fulfilment.Local;
using Fulfilment.Orders;
using Fulfilment.RedemptionLog;

namespace Fulfilment.IntegrationTests;

[Collection(StorageCollection.Name)]
public sealed class RedemptionLogTests(StorageFixture storage)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Paging_through_5000_entries_returns_each_exactly_once_in_order_both_ways()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var start = DateTimeOffset.UtcNow.AddDays(-1).AddHours(-6);
        var log = scenario.Service<RedemptionLogBook>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 5000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await log.AppendAsync(FinalOrder(partner.PartnerId, $"o-{i:D5}", start.AddSeconds(i * 17)), ct));
        var range = $"from={Uri.EscapeDataString(start.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}";

        var oldestFirst = await PageAllAsync(scenario, partner, $"{range}&order=oldest&pageSize=1000");
        var newestFirst = await PageAllAsync(scenario, partner, $"{range}&pageSize=700");

        var expected = Enumerable.Range(0, 5000).Select(i => $"o-{i:D5}").ToList();
        Assert.Equal(expected, oldestFirst);
        expected.Reverse();
        Assert.Equal(expected, newestFirst);
    }

    [Fact]
    public async Task Continuation_tokens_that_were_altered_expired_belong_to_another_partner_or_query_are_refused()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var owner = await scenario.NewPartnerAsync();
        var other = await scenario.NewPartnerAsync();
        var log = scenario.Service<RedemptionLogBook>();
        foreach (var i in Enumerable.Range(0, 5))
        {
            await log.AppendAsync(FinalOrder(owner.PartnerId, $"o-{i}", DateTimeOffset.UtcNow.AddMinutes(-i - 1)), default);
        }

        var first = await GetPageAsync(scenario, owner, owner.PartnerId, "pageSize=2");
        var token = first.ContinuationToken!;
        var altered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        var expired = await new ContinuationTokens(scenario.Service<IKeyEncryptionKeys>(), new ShiftedClock(-TimeSpan.FromHours(73)))
            .IssueAsync(owner.PartnerId, "whatever", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.ToString("yyyy-MM-dd"), "a|", default);

        Assert.Equal(2, (await GetPageAsync(scenario, owner, owner.PartnerId, $"pageSize=2&continuationToken={token}")).Entries.Count);
        await AssertRefusedAsync(scenario, owner, owner.PartnerId, $"pageSize=2&continuationToken={altered}", "altered");
        await AssertRefusedAsync(scenario, owner, owner.PartnerId, $"pageSize=3&continuationToken={token}", "another query");
        await AssertRefusedAsync(scenario, other, other.PartnerId, $"pageSize=2&continuationToken={token}", "another partner");
        await AssertRefusedAsync(scenario, owner, owner.PartnerId, $"pageSize=2&continuationToken={expired}", "expired");
        await AssertRefusedAsync(scenario, owner, owner.PartnerId, "pageSize=2&continuationToken=not-a-token", "malformed");
    }

    [Fact]
    public async Task A_partner_never_reads_another_partners_log()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var owner = await scenario.NewPartnerAsync();
        var other = await scenario.NewPartnerAsync();
        await scenario.Service<RedemptionLogBook>().AppendAsync(FinalOrder(owner.PartnerId, "secret-order", DateTimeOffset.UtcNow.AddMinutes(-1)), default);

        using var asOther = scenario.App.CreateClient(other.ApiKey);
        using var anonymous = scenario.App.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await asOther.GetAsync($"api/partners/{owner.PartnerId}/redemptions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"api/partners/{owner.PartnerId}/redemptions")).StatusCode);
        Assert.Empty((await GetPageAsync(scenario, other, other.PartnerId, "orderId=secret-order")).Entries);
        Assert.Single((await GetPageAsync(scenario, owner, owner.PartnerId, "orderId=secret-order")).Entries);
    }

    [Theory]
    [InlineData("from=9999-12-31")]
    [InlineData("to=9999-12-31T00:00:00Z")]
    [InlineData("from=0001-01-01&to=0001-01-02")]
    [InlineData("to=0001-01-01")]
    [InlineData("from=1%2F2%2F2026")]
    [InlineData("sku=LONG")]
    public async Task Query_that_can_never_succeed_is_a_400_not_a_500(string query)
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        using var client = scenario.App.CreateClient(partner.ApiKey);

        var response = await client.GetAsync($"api/partners/{partner.PartnerId}/redemptions?{query.Replace("LONG", new string('x', 129), StringComparison.Ordinal)}");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_query", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivered_order_is_logged_once_however_often_its_message_comes_back()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var keys = Scenario.NewCardKeys(1);
        var sku = await scenario.NewCardKeySkuAsync(keys: keys);
        await scenario.PayAsync(partner, sku, "order-1");
        var fulfilment = scenario.Service<OrderFulfilment>();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await fulfilment.FulfilAsync(new FulfilmentRequest(partner.PartnerId, "order-1"), default);
        }

        var page = await GetPageAsync(scenario, partner, partner.PartnerId, "");
        var entry = Assert.Single(page.Entries);
        Assert.Equal(("order-1", "key-delivered", "delivered"), (entry.OrderId, entry.Event, entry.Status));
        Assert.DoesNotContain(keys[0], JsonSerializer.Serialize(page), StringComparison.Ordinal);
    }

    private static Order FinalOrder(string partnerId, string orderId, DateTimeOffset at) => new(
        partnerId, orderId, "sku-log", "card-key", 1, 10m, "CNY", "buyer", null, "msg", OrderState.Delivered, null, [], at, at, ETag.All)
    {
        FinalAt = at,
    };

    private static async Task<List<string>> PageAllAsync(Scenario scenario, CreatedPartner partner, string query)
    {
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await GetPageAsync(scenario, partner, partner.PartnerId, token is null ? query : $"{query}&continuationToken={token}");
            seen.AddRange(page.Entries.Select(e => e.OrderId));
            token = page.ContinuationToken;
        }
        while (token is not null);
        return seen;
    }

    private static async Task<Page> GetPageAsync(Scenario scenario, CreatedPartner caller, string partnerId, string query)
    {
        using var client = scenario.App.CreateClient(caller.ApiKey);
        var response = await client.GetAsync($"api/partners/{partnerId}/redemptions?{query}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Page>(Json))!;
    }

    private static async Task AssertRefusedAsync(Scenario scenario, CreatedPartner caller, string partnerId, string query, string why)
    {
        using var client = scenario.App.CreateClient(caller.ApiKey);
        var response = await client.GetAsync($"api/partners/{partnerId}/redemptions?{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)response.StatusCode} {body}");
        Assert.Contains("invalid_continuation_token", body, StringComparison.Ordinal);
        Assert.Contains(why, body, StringComparison.Ordinal);
    }

    private sealed record Entry(string OrderId, string Event, string Status);

    private sealed record Page(List<Entry> Entries, string? ContinuationToken);
}
