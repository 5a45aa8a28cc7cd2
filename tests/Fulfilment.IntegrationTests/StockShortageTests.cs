namespace Fulfilment.IntegrationTests;

/// <summary>An order for more keys than there are waits quietly; the stock there is serves other orders.</summary>
[Collection(StorageCollection.Name)]
public sealed class StockShortageTests(StorageFixture storage)
{
    [Fact]
    public async Task Order_for_more_keys_than_in_stock_waits_without_churn_while_others_are_served()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));

        await scenario.PayAsync(partner, sku, "order-big", quantity: 2);
        await scenario.WaitForStateAsync(partner, "order-big", "awaiting-stock");
        // An absence check: an order that counts the key it just gave back as stock asks again within 2 s, every time.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, TimesWaited(scenario, "order-big"));

        await scenario.PayAsync(partner, sku, "order-small");
        await scenario.WaitForStateAsync(partner, "order-small", "delivered");
        Assert.Equal(0, TimesWaited(scenario, "order-small"));

        var import = await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(2));
        Assert.Equal(1, import.OrdersReleased); // the import itself queued the waiting order, not a later sweep
        var big = await scenario.WaitForStateAsync(partner, "order-big", "delivered");
        Assert.Equal(2, big.Keys.Count);
        await scenario.WaitForStockAsync(sku, (0, 0, 3));
        Assert.Equal(1, TimesWaited(scenario, "order-big"));
    }

    private static int TimesWaited(Scenario scenario, string orderId) =>
        scenario.Logs.Lines.Count(l => l.Contains($"Order {orderId} is awaiting-stock", StringComparison.Ordinal));
}
