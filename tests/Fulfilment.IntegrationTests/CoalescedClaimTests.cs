using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Inventory;
using Fulfilment.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// Claims and sales of many orders of one SKU on one instance go to storage together, one transaction per shard for
/// many orders, and every invariant holds: no key twice, counts that agree with the keys, crash recovery.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class CoalescedClaimTests(StorageFixture storage)
{
    [Fact]
    public async Task Forty_eight_concurrent_claims_share_a_few_transactions_and_no_key_goes_twice()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var skuId = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(100));
        var sku = (await scenario.Service<SkuCatalogue>().FindAsync(skuId, default))!;
        var inventory = scenario.Service<CardKeyInventory>();
        var before = inventory.Statistics.Transactions;

        var claims = await Task.WhenAll(Enumerable.Range(0, 48).Select(i => inventory.ClaimAsync(sku, $"p|order-{i}", 1, default)));

        Assert.All(claims, keys => Assert.Single(keys));
        var keys = claims.SelectMany(k => k).ToList();
        Assert.Equal(48, keys.Distinct().Count());
        var claimTransactions = inventory.Statistics.Transactions - before;
        Assert.InRange(claimTransactions, 1, 24); // one per order would be 48

        before = inventory.Statistics.Transactions;
        await Task.WhenAll(claims.Select((k, i) => inventory.SellAsync(sku, $"p|order-{i}", k, default)));
        Assert.InRange(inventory.Statistics.Transactions - before, 1, 24);

        Assert.Equal((52, 0, 48, 0), await KeyRowsAudit.AssertCountsAgreeWithKeyRowsAsync(storage, skuId));
        // Selling again (a redelivered message) sells nothing twice.
        await Task.WhenAll(claims.Select((k, i) => inventory.SellAsync(sku, $"p|order-{i}", k, default)));
        Assert.Equal((52, 0, 48, 0), await KeyRowsAudit.AssertCountsAgreeWithKeyRowsAsync(storage, skuId));
    }

    [Fact]
    public async Task A_shared_claim_transaction_whose_answer_is_lost_still_gives_every_order_its_own_keys()
    {
        var lost = new LoseAnswersOfClaims(times: 2);
        var options = new TableClientOptions();
        options.AddPolicy(lost, HttpPipelinePosition.PerCall);
        await using var scenario = await Scenario.StartAsync(
            storage, replaceServices: services => services.AddSingleton(new TableServiceClient(storage.ConnectionString, options)));
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(30));

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => scenario.PayAsync(partner, sku, $"order-{i}")));

        var orders = new List<PartnerOrder>();
        for (var i = 0; i < 12; i++)
        {
            orders.Add(await scenario.WaitForStateAsync(partner, $"order-{i}", "delivered", TimeSpan.FromSeconds(60)));
        }

        Assert.Equal(2, lost.Lost);
        Assert.All(orders, o => Assert.Single(o.Keys));
        Assert.Equal(12, orders.Select(o => o.Keys[0].Code).Distinct().Count());
        await scenario.WaitForStockAsync(sku, (18, 0, 12));
        Assert.Equal((18, 0, 12, 0), await KeyRowsAudit.AssertCountsAgreeWithKeyRowsAsync(storage, sku));
    }

    [Fact]
    public async Task Claims_that_empty_their_shards_together_share_one_unmarking_of_each_shard()
    {
        // The writes of the SKU's stock map (the row "shards" of the card-keys table).
        var mapWrites = new CountRequests(request => request.Method == RequestMethod.Put
            && Uri.UnescapeDataString(request.Uri.ToString()).Contains("RowKey='shards'", StringComparison.Ordinal));
        var options = new TableClientOptions();
        options.AddPolicy(mapWrites, HttpPipelinePosition.PerCall);
        await using var scenario = await Scenario.StartAsync(
            storage, triggerHost: false, replaceServices: services => services.AddSingleton(new TableServiceClient(storage.ConnectionString, options)));
        var skuId = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(24));
        var sku = (await scenario.Service<SkuCatalogue>().FindAsync(skuId, default))!;
        var inventory = scenario.Service<CardKeyInventory>();
        mapWrites.Reset();

        var claims = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => inventory.ClaimAsync(sku, $"p|order-{i}", 1, default)));

        Assert.Equal(24, claims.Sum(k => k.Count));
        Assert.Equal(24, claims.SelectMany(k => k).Distinct().Count());
        Assert.False((await scenario.Service<StockMap>().GetFreshAsync(skuId, default)).AnyStock);
        // Each shard unmarked once, plus a retry whenever two shards' unmarkings met on the map's ETag: at most
        // 4 + 3 + 2 + 1 for four shards. One attempt per claim that learned its shard was empty would be many more.
        var shards = sku.ShardSlots;
        Assert.InRange(mapWrites.Count, shards, shards * (shards + 1) / 2);
        Assert.Equal((0, 24, 0, 0), await KeyRowsAudit.AssertCountsAgreeWithKeyRowsAsync(storage, skuId));
    }

    /// <summary>Lets the first claim transactions (those that write reservations) reach storage, then loses their answers.</summary>
    private sealed class LoseAnswersOfClaims(int times) : HttpPipelinePolicy
    {
        private readonly Lock gate = new();
        private int lost;

        public int Lost
        {
            get
            {
                lock (gate)
                {
                    return lost;
                }
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var isClaim = IsClaim(message.Request);
            await ProcessNextAsync(message, pipeline);
            if (isClaim && message.Response.Status == 202 && TakeOne())
            {
                throw new RequestFailedException(0, "test: the connection dropped after the transaction was sent");
            }
        }

        private bool TakeOne()
        {
            lock (gate)
            {
                return lost < times && ++lost > 0;
            }
        }

        private static bool IsClaim(Request request)
        {
            if (request.Content is null || !request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal))
            {
                return false;
            }

            using var body = new MemoryStream();
            request.Content.WriteTo(body, default);
            var text = Encoding.UTF8.GetString(body.ToArray());
            return StorageRequestCounter.TableOfFirstSubRequest(text) == TableNames.CardKeys && text.Contains("resv|", StringComparison.Ordinal);
        }
    }
}
