using System.Net;
using Fulfilment.Catalogue;
using Fulfilment.Inventory;

namespace Fulfilment.IntegrationTests;

/// <summary>An import that fails part-way leaves counts, stock map and key rows agreeing: no key counted that no claim can find.</summary>
[Collection(StorageCollection.Name)]
public sealed class ImportFailureTests(StorageFixture storage)
{
    [Fact]
    public async Task Keys_written_before_a_failed_transaction_are_claimable_and_a_re_upload_completes_the_import()
    {
        var failing = new FailThirdTransaction();
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false, replaceServices: failing.InTablesOf(storage.ConnectionString));
        var skuId = await scenario.NewCardKeySkuAsync();
        var keys = Scenario.NewCardKeys(300);

        failing.Arm();
        var broken = await Assert.ThrowsAnyAsync<Exception>(() => scenario.Ops.ImportKeysAsync(skuId, keys));
        Assert.True(failing.Failed, $"the third transaction failed ({broken.Message})");

        // Whatever was written before the failure is counted, marked in the stock map and claimable.
        var sku = (await scenario.Service<SkuCatalogue>().FindFreshAsync(skuId, default))!;
        var inventory = scenario.Service<CardKeyInventory>();
        // Transactions run in parallel: the ones sent before the failure may have committed or been cancelled in flight.
        var (available, _, _, _) = await KeyRowsAudit.AssertCountsAgreeWithKeyRowsAsync(storage, skuId);
        Assert.InRange(available, 0, 299);
        var map = await scenario.Service<StockMap>().GetFreshAsync(skuId, default);
        foreach (var shard in Enumerable.Range(0, sku.ShardSlots))
        {
            if ((await inventory.ReadCountsAsync(sku, shard, default)).Available > 0)
            {
                Assert.True(map.ShardsWithStock.Contains(shard), $"shard {shard} has keys but the map is '{map.WithStock}'; {string.Join(" | ", scenario.Logs.Lines.Where(l => !l.StartsWith("Information", StringComparison.Ordinal)).Take(5))}");
            }
        }

        // The same upload again: what made it is "already in stock", the rest is imported.
        var again = await scenario.Ops.ImportKeysAsync(skuId, keys);
        Assert.Equal((300 - available, available), (again.Imported, again.Rejected.Count(r => r.Reason == "already in stock")));
        Assert.Equal(300, (await inventory.ClaimAsync(sku, "audit|all", 300, default)).Count);
        Assert.Equal((0, 300, 0, 0), await KeyRowsAudit.AssertCountsAgreeWithKeyRowsAsync(storage, skuId));
    }

    /// <summary>Fails the third entity-group transaction after arming, once, as a storage error would.</summary>
    private sealed class FailThirdTransaction : InjectedStorageFault
    {
        private int seen = -1;

        public bool Failed { get; private set; }

        public void Arm() => Interlocked.Exchange(ref seen, 0);

        protected override void Inject(Azure.Core.HttpMessage message)
        {
            if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && Volatile.Read(ref seen) >= 0 && Interlocked.Increment(ref seen) == 3)
            {
                Failed = true;
                throw new Azure.RequestFailedException(500, "Injected failure of one transaction.");
            }
        }
    }
}
