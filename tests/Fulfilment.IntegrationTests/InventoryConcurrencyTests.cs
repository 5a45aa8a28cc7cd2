using System.Collections.Concurrent;

namespace Fulfilment.IntegrationTests;

[Collection(StorageCollection.Name)]
public sealed class InventoryConcurrencyTests(StorageFixture storage)
{
    [Fact]
    public async Task Eight_workers_200_orders_150_keys_sell_no_key_twice_the_rest_wait_for_stock_and_counts_match_the_keys()
    {
        const int Orders = 200;
        const int Keys = 150;

        // Orders are paid while no worker runs, so that all 200 compete at once when the 8 workers start.
        var keys = Scenario.NewCardKeys(Keys);
        string sku, queueName;
        Contract.CreatedPartner partner;
        await using (var webhookOnly = await Scenario.StartAsync(storage, triggerHost: false))
        {
            queueName = webhookOnly.Queue;
            partner = await webhookOnly.NewPartnerAsync();
            sku = await webhookOnly.NewCardKeySkuAsync(keys: keys);
            var accepted = new ConcurrentBag<int>();
            await Parallel.ForEachAsync(Enumerable.Range(0, Orders), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                accepted.Add((int)(await webhookOnly.PayAsync(partner, sku, $"order-{i:D3}")).StatusCode));
            Assert.All(accepted, status => Assert.Equal(201, status));
        }

        // The 8 workers run on the same queue: 8 app instances, each a local trigger host.
        await using var workers = await Scenario.StartAsync(storage, instances: 8, queueName: queueName);
        await Scenario.EventuallyAsync(async () => (await workers.Ops.GetStockAsync(sku)).Sold == Keys, "150 keys sold", TimeSpan.FromSeconds(90));
        await Scenario.EventuallyAsync(async () => await CountAsync(workers, partner, "awaiting-stock") == Orders - Keys, "50 orders awaiting stock", TimeSpan.FromSeconds(60));

        var orders = await ReadAllAsync(workers, partner, Orders);
        var delivered = orders.Where(o => o.State == "delivered").ToList();
        Assert.Equal(Keys, delivered.Count);
        Assert.All(delivered, o => Assert.Single(o.Keys));
        var sold = delivered.SelectMany(o => o.Keys.Select(k => k.Code)).ToList();
        Assert.Equal(sold.Count, sold.Distinct().Count());
        Assert.Subset(keys.ToHashSet(), sold.ToHashSet());
        await workers.WaitForStockAsync(sku, (0, 0, Keys));

        // Keys arrive: every waiting order is delivered, none twice.
        var restock = Scenario.NewCardKeys(Orders - Keys);
        await workers.Ops.ImportKeysAsync(sku, restock);
        await Scenario.EventuallyAsync(async () => await CountAsync(workers, partner, "delivered") == Orders, "all 200 delivered", TimeSpan.FromSeconds(90));
        var all = (await ReadAllAsync(workers, partner, Orders)).SelectMany(o => o.Keys.Select(k => k.Code)).ToList();
        Assert.Equal(Orders, all.Distinct().Count());
        await workers.WaitForStockAsync(sku, (0, 0, Orders));
        Assert.Equal((0, 0, Orders, 0), await KeyRowsAudit.AssertCountsAgreeWithKeyRowsAsync(storage, sku));
    }

    [Fact]
    public async Task Orders_competing_for_the_last_keys_do_not_livelock()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(6));

        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => scenario.PayAsync(partner, sku, $"order-{i:D3}", quantity: 3)));

        await Scenario.EventuallyAsync(async () =>
        {
            var orders = await ReadAllAsync(scenario, partner, 3);
            return orders.Count(o => o.State == "delivered") == 2 && orders.Count(o => o.State == "awaiting-stock") == 1;
        }, "two orders delivered, one awaiting stock");
        await scenario.WaitForStockAsync(sku, (0, 0, 6));
    }


    private static async Task<int> CountAsync(Scenario scenario, Contract.CreatedPartner partner, string state) =>
        (await ReadAllAsync(scenario, partner, 200)).Count(o => o.State == state);

    private static async Task<List<PartnerOrder>> ReadAllAsync(Scenario scenario, Contract.CreatedPartner partner, int count)
    {
        var orders = await Task.WhenAll(Enumerable.Range(0, count).Select(i => scenario.GetOrderAsync(partner, $"order-{i:D3}")));
        return orders.Select(o => o!).ToList();
    }
}
