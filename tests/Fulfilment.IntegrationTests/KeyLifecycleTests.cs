using System.Net;
using System.Text;
using Fulfilment.Contract;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

[Collection(StorageCollection.Name)]
public sealed class KeyLifecycleTests(StorageFixture storage)
{
    [Fact]
    public async Task Batches_record_supplier_cost_and_expiry_and_the_margin_counts_what_the_sold_keys_cost()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(unitPrice: 10m);
        var expiry = DateTimeOffset.UtcNow.AddDays(30);
        var cheap = await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(2), batch: new ImportBatch("alpha", 7m, "CNY", expiry));
        var dear = await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(2), batch: new ImportBatch("beta", 8.5m));
        var more = await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(1), batch: new ImportBatch(BatchId: cheap.BatchId));
        Assert.Equal(cheap.BatchId, more.BatchId);

        for (var i = 0; i < 5; i++)
        {
            await scenario.PayAsync(partner, sku, $"order-{i}");
        }

        await scenario.WaitForStockAsync(sku, (0, 0, 5));
        var stock = await scenario.Ops.GetStockAsync(sku);
        Assert.Equal((3 * 7m + 2 * 8.5m, 0, 50m - 38m), (stock.SoldCost, stock.SoldWithoutCost, stock.SoldMargin));

        var batches = await scenario.Ops.ListBatchesAsync(sku);
        Assert.Equal([cheap.BatchId, dear.BatchId], batches.Select(b => b.BatchId));
        var alpha = batches[0];
        Assert.Equal(("alpha", 7m, "CNY", false, 3, 3), (alpha.Supplier, alpha.UnitCost, alpha.Currency, alpha.Expired, alpha.Imported, alpha.Sold));
        Assert.Equal(expiry.ToUnixTimeSeconds(), alpha.ExpiresAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(("beta", 8.5m, (DateTimeOffset?)null, 2), (batches[1].Supplier, batches[1].UnitCost, batches[1].ExpiresAt, batches[1].Sold));

        // A batch in another currency, an expiry in the past, a negative cost, an unknown batch: refused, nothing imported.
        using var client = scenario.App.CreateClient(LocalApp.OpsKey);
        foreach (var query in new[] { "?currency=USD", "?expiresAt=2020-01-01T00:00:00Z", "?unitCost=-1", "?batchId=nope", $"?batchId={cheap.BatchId}&supplier=x" })
        {
            var refused = await client.PostAsync($"api/ops/skus/{sku}/keys{query}", new StringContent("KEY-THAT-STAYS-OUT\n", Encoding.UTF8, "text/plain"));
            Assert.True(refused.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{query}: {refused.StatusCode}");
        }

        Assert.Equal(0, (await scenario.Ops.GetStockAsync(sku)).Available);
    }

    [Fact]
    public async Task Expired_keys_are_never_sold_and_are_reported_and_voided_as_expired()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        var shortLived = await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(6), batch: new ImportBatch("alpha", 5m, ExpiresAt: DateTimeOffset.UtcNow.AddSeconds(2)));
        var fresh = Scenario.NewCardKeys(1);
        await scenario.Ops.ImportKeysAsync(sku, fresh, batch: new ImportBatch("beta", 6m));
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        await scenario.PayAsync(partner, sku, "order-1");
        await scenario.PayAsync(partner, sku, "order-2");
        string[] states = [];
        await Scenario.EventuallyAsync(async () =>
        {
            states = [.. (await Task.WhenAll(scenario.GetOrderAsync(partner, "order-1"), scenario.GetOrderAsync(partner, "order-2"))).Select(o => o!.State).Order()];
            return states.SequenceEqual(["awaiting-stock", "delivered"]);
        }, "one order delivered, the other waiting");
        var sold = (await scenario.GetOrderAsync(partner, "order-1"))!.Keys.Concat((await scenario.GetOrderAsync(partner, "order-2"))!.Keys);
        Assert.Equal(fresh, sold.Select(k => k.Code)); // only the key that had not expired

        // The expired keys the claims met were voided as expired; the rest are reported and voided by ops.
        var batch = (await scenario.Ops.ListBatchesAsync(sku)).Single(b => b.BatchId == shortLived.BatchId);
        Assert.True(batch.Expired);
        var voided = await scenario.Ops.VoidBatchAsync(sku, batch.BatchId);
        Assert.Equal("expired", voided.Reason);
        Assert.Equal(6, batch.Void + voided.Voided);
        var stock = await scenario.Ops.GetStockAsync(sku);
        Assert.Equal((0, 0, 1, 6, 6), (stock.Available, stock.Reserved, stock.Sold, stock.Void, stock.Expired));
        Assert.Contains(scenario.Logs.Lines, l => l.Contains("expired key(s)", StringComparison.Ordinal));
        Assert.Equal((0, 0, 1, 6), await KeyRowsAudit.AssertCountsAgreeWithKeyRowsAsync(storage, sku));
    }

    [Fact]
    public async Task Ops_void_one_key_or_a_batch_and_a_sold_key_can_never_come_back()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        var batch = await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(5), batch: new ImportBatch("recalled"));
        await scenario.PayAsync(partner, sku, "order-1");
        var order = await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        await scenario.WaitForStockAsync(sku, (4, 0, 1));

        Assert.Equal(HttpStatusCode.Conflict, (await scenario.Ops.VoidKeyAsync(sku, order.Keys[0].KeyId)).StatusCode);
        var inStock = (await storage.Tables.GetTableClient("CardKeys")
            .QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey ge {sku + "|"} and PartitionKey lt {sku + "}"} and State eq 'available'"))
            .ToListAsync()).Select(r => r.RowKey["key|".Length..]).First();
        Assert.Equal(HttpStatusCode.OK, (await scenario.Ops.VoidKeyAsync(sku, inStock)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await scenario.Ops.VoidKeyAsync(sku, inStock)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await scenario.Ops.VoidKeyAsync(sku, "0123456789abcdef")).StatusCode);

        var report = await scenario.Ops.VoidBatchAsync(sku, batch.BatchId);
        Assert.Equal(("voided-by-ops", 3, 0), (report.Reason, report.Voided, report.Reserved));
        await scenario.WaitForStockAsync(sku, (0, 0, 1));
        Assert.Equal((0, 0, 1, 4), await KeyRowsAudit.AssertCountsAgreeWithKeyRowsAsync(storage, sku));

        // Nothing left to sell: the next order waits, and the sold key is still its buyer's alone.
        await scenario.PayAsync(partner, sku, "order-2");
        await scenario.WaitForStateAsync(partner, "order-2", "awaiting-stock");
        Assert.Equal(order.Keys, (await scenario.GetOrderAsync(partner, "order-1"))!.Keys);
    }

    [Fact]
    public async Task Crossing_the_low_stock_threshold_raises_one_alert_until_an_import_lifts_the_stock_again()
    {
        var alertsQueue = "stock-alerts-" + Guid.NewGuid().ToString("N")[..8];
        await using var scenario = await Scenario.StartAsync(storage, settings: new() { ["StockAlertsQueue"] = alertsQueue });
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        await scenario.Ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY", lowStockThreshold: 3);
        await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(8));

        for (var i = 0; i < 7; i++)
        {
            await scenario.PayAsync(partner, sku, $"order-{i}");
        }

        await scenario.WaitForStockAsync(sku, (1, 0, 7));
        await Scenario.EventuallyAsync(async () => (await ReadAlertsAsync(alertsQueue)).Count > 0, "an alert"); // checked just after the claims
        await Task.Delay(500); // room for a second alert, which must not come
        var alerts = await ReadAlertsAsync(alertsQueue);
        var alert = Assert.Single(alerts);
        Assert.Contains($"\"sku\":\"{sku}\"", alert, StringComparison.Ordinal);
        Assert.Contains("\"threshold\":3", alert, StringComparison.Ordinal);
        Assert.Contains(scenario.Logs.Lines, l => l.Contains("Low stock", StringComparison.Ordinal) && l.Contains(sku, StringComparison.Ordinal));

        // Restocked above the threshold, then sold down again: one more alert.
        await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(5));
        for (var i = 7; i < 10; i++)
        {
            await scenario.PayAsync(partner, sku, $"order-{i}");
        }

        await scenario.WaitForStockAsync(sku, (3, 0, 10));
        await Scenario.EventuallyAsync(async () => (await ReadAlertsAsync(alertsQueue)).Count == 2, "a second alert");
        await Task.Delay(500); // room for a third, which must not come
        Assert.Equal(2, (await ReadAlertsAsync(alertsQueue)).Count);
    }

    [Fact]
    public async Task A_new_shard_count_spreads_new_imports_while_old_keys_stay_sellable_and_duplicates_are_found_across_counts()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = "sku-" + Guid.NewGuid().ToString("N")[..10];
        await scenario.Ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY", shardCount: 2);
        var old = Scenario.NewCardKeys(20);
        await scenario.Ops.ImportKeysAsync(sku, old);

        await scenario.Ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY", shardCount: 8);
        var report = await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(20).Concat(old.Take(5)));
        Assert.Equal((20, 5), (report.Imported, report.Rejected.Count));
        Assert.All(report.Rejected, r => Assert.Equal("already in stock", r.Reason));

        for (var i = 0; i < 40; i++)
        {
            await scenario.PayAsync(partner, sku, $"order-{i:D2}");
        }

        await scenario.WaitForStockAsync(sku, (0, 0, 40));
        var shards = (await storage.Tables.GetTableClient("CardKeys")
            .QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey ge {sku + "|"} and PartitionKey lt {sku + "}"} and RowKey eq '!counts'"))
            .ToListAsync()).Count;
        Assert.True(shards > 2, $"keys spread over {shards} shards");
        Assert.Equal((0, 0, 40, 0), await KeyRowsAudit.AssertCountsAgreeWithKeyRowsAsync(storage, sku));
    }

    [Fact]
    public async Task An_empty_SKU_is_known_from_its_stock_map_and_an_import_marks_it_stocked_again()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(3));
        var map = scenario.Service<Fulfilment.Inventory.StockMap>();
        Assert.True((await map.GetFreshAsync(sku, default)).AnyStock);

        for (var i = 0; i < 4; i++)
        {
            await scenario.PayAsync(partner, sku, $"order-{i}");
        }

        await scenario.WaitForStockAsync(sku, (0, 0, 3));
        await Scenario.EventuallyAsync(async () => !(await map.GetFreshAsync(sku, default)).AnyStock, "every shard unmarked");
        var waiting = (await Task.WhenAll(Enumerable.Range(0, 4).Select(i => scenario.GetOrderAsync(partner, $"order-{i}"))))
            .Single(o => o!.State != "delivered")!;
        await scenario.WaitForStateAsync(partner, waiting.OrderId, "awaiting-stock");

        await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(1));
        Assert.True((await map.GetFreshAsync(sku, default)).AnyStock);
        await scenario.WaitForStateAsync(partner, waiting.OrderId, "delivered");
        Assert.Equal((0, 0, 4, 0), await KeyRowsAudit.AssertCountsAgreeWithKeyRowsAsync(storage, sku));
    }

    private async Task<List<string>> ReadAlertsAsync(string queue) =>
        (await storage.Queues.GetQueueClient(queue).PeekMessagesAsync(32)).Value
            .Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Body.ToString()))).ToList();
}
