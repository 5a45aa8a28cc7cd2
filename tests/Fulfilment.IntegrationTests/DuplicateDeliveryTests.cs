using System.Net;

namespace Fulfilment.IntegrationTests;

[Collection(StorageCollection.Name)]
public sealed class DuplicateDeliveryTests(StorageFixture storage)
{
    [Fact]
    public async Task Ten_concurrent_duplicates_and_a_later_one_yield_one_order_and_one_set_of_keys()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(10));

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => scenario.PayAsync(partner, sku, "order-1", quantity: 2, webhookId: "msg_same")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var delivered = await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        await WaitForQueueToDrainAsync(scenario);

        // Days later, the shop retries once more (a new webhook id, the same payment).
        var later = await scenario.PayAsync(partner, sku, "order-1", quantity: 2, webhookId: "msg_later");
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        await WaitForQueueToDrainAsync(scenario);

        var after = await scenario.GetOrderAsync(partner, "order-1");
        Assert.Equal(delivered.Keys.Select(k => k.Code), after!.Keys.Select(k => k.Code));
        var stock = await scenario.Ops.GetStockAsync(sku);
        Assert.Equal((8, 0, 2), (stock.Available, stock.Reserved, stock.Sold));
    }

    private async Task WaitForQueueToDrainAsync(Scenario scenario)
    {
        var queue = storage.Queues.GetQueueClient(scenario.Queue);
        await Scenario.EventuallyAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "fulfilment queue drained");
    }
}
