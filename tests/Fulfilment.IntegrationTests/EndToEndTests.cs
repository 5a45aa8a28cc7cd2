using System.Net;

namespace Fulfilment.IntegrationTests;

[Collection(StorageCollection.Name)]
public sealed class EndToEndTests(StorageFixture storage)
{
    [Fact]
    public async Task Paid_card_key_order_is_delivered_with_its_keys()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var keys = Scenario.NewCardKeys(5);
        var sku = await scenario.NewCardKeySkuAsync(keys: keys);

        var response = await scenario.PayAsync(partner, sku, "order-1", quantity: 2);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        Assert.Equal(2, order.Keys.Count);
        Assert.All(order.Keys, k => Assert.Contains(k.Code, keys));
        Assert.NotEqual(order.Keys[0].Code, order.Keys[1].Code);
        await scenario.WaitForStockAsync(sku, (3, 0, 2));

        // An answer carrying plaintext keys is never stored by a cache on the way.
        using var asPartner = scenario.App.CreateClient(partner.ApiKey);
        var withKeys = await asPartner.GetAsync($"api/partners/{partner.PartnerId}/orders/order-1");
        Assert.True(withKeys.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    [Fact]
    public async Task Every_state_change_of_an_order_is_logged_with_its_order_id()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();

        await scenario.PayAsync(partner, sku, "order-story");
        await scenario.WaitForStateAsync(partner, "order-story", "awaiting-stock");
        await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(1));
        await scenario.WaitForStateAsync(partner, "order-story", "delivered");

        var story = scenario.Logs.Lines.Where(l => l.Contains("OrderId=order-story", StringComparison.Ordinal)).ToList();
        Assert.Contains(story, l => l.Contains(" paid:", StringComparison.Ordinal));
        Assert.Contains(story, l => l.Contains("is awaiting-stock", StringComparison.Ordinal));
        Assert.Contains(story, l => l.Contains("queued for fulfilment again", StringComparison.Ordinal));
        Assert.Contains(story, l => l.Contains(" delivered:", StringComparison.Ordinal));
    }
}
