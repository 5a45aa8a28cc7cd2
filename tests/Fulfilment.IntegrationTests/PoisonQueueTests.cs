using System.Net;
using System.Net.Http.Json;
using Fulfilment.Contract;
using Fulfilment.Local;
using Fulfilment.Storage;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// Ops' poison-queue API against Azurite. Orders are made to fail for a reason ops can fix: their SKU disappears from
/// the catalogue between payment and fulfilment, so fulfilment poisons them; ops saves the SKU again and replays.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class PoisonQueueTests(StorageFixture storage)
{
    [Fact]
    public async Task Poisoned_order_is_listed_with_its_reason_then_fixed_replayed_and_delivered_once()
    {
        var (paying, working, partner, sku) = await PoisonedOrdersAsync(["order-1", "order-2"], keys: 3);
        await using var _ = paying;
        await using var __ = working;
        var poisonQueue = working.Queue + "-poison";

        var summary = Assert.Single(await working.Ops.ListPoisonQueuesAsync(), q => q.Queue == poisonQueue);
        Assert.Equal((working.Queue, 2), (summary.OriginalQueue, summary.ApproximateCount));
        var messages = await working.Ops.ListPoisonMessagesAsync(poisonQueue);
        Assert.Equal(2, messages.Count);
        var first = messages.Single(m => m.Body.Contains("order-1", StringComparison.Ordinal));
        Assert.Equal(working.Queue, first.OriginalQueue);
        Assert.True(first.Readable);
        Assert.Equal(0, first.ReplayCount);
        Assert.NotNull(first.InsertedAt);
        Assert.Contains("no longer exists", first.Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal("FulfilOrder", first.Failure.FunctionName);
        Assert.True(first.Failure.PoisonedAtOnce);
        Assert.Equal("paid", (await working.GetOrderAsync(partner, "order-1"))!.State);

        await working.Ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY");
        var replay = await working.Ops.ReplayPoisonAsync(poisonQueue, PoisonFilter.OfOrder("order-1"));
        Assert.Equal([first.MessageId], replay.Replayed);

        var delivered = await working.WaitForStateAsync(partner, "order-1", "delivered");
        Assert.Single(delivered.Keys);
        await working.WaitForStockAsync(sku, (2, 0, 1));
        var left = Assert.Single(await working.Ops.ListPoisonMessagesAsync(poisonQueue));
        Assert.Contains("order-2", left.Body, StringComparison.Ordinal);

        var purge = await working.Ops.PurgePoisonAsync(poisonQueue, PoisonFilter.Messages(left.MessageId));
        Assert.Equal([left.MessageId], purge.Deleted);
        Assert.Empty(await working.Ops.ListPoisonMessagesAsync(poisonQueue));
        Assert.Equal("paid", (await working.GetOrderAsync(partner, "order-2"))!.State);
        await working.WaitForStockAsync(sku, (2, 0, 1));
    }

    [Fact]
    public async Task A_message_that_is_not_even_base64_is_poisoned_with_its_reason()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        await storage.Queues.GetQueueClient(scenario.Queue).SendMessageAsync("%%% not base64 %%%");

        PoisonMessage? poisoned = null;
        await Scenario.EventuallyAsync(async () => (poisoned = (await scenario.Ops.ListPoisonMessagesAsync(scenario.Queue + "-poison")).SingleOrDefault()) is not null,
            "the message in the poison queue");

        Assert.False(poisoned!.Readable);
        Assert.Equal("%%% not base64 %%%", poisoned.Body);
        Assert.Contains("not valid base64", poisoned.Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal("FulfilOrder", poisoned.Failure.FunctionName);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_stops_being_replayed_at_the_cap_and_is_reported()
    {
        var (paying, working, _, _) = await PoisonedOrdersAsync(["order-1"], keys: 1, replayCap: 2);
        await using var _ = paying;
        await using var __ = working;
        var poisonQueue = working.Queue + "-poison";

        for (var replayed = 1; replayed <= 2; replayed++)
        {
            var report = await working.Ops.ReplayPoisonAsync(poisonQueue, PoisonFilter.Everything);
            Assert.Single(report.Replayed);
            var expected = replayed;
            await Scenario.EventuallyAsync(async () => (await working.Ops.ListPoisonMessagesAsync(poisonQueue)) is [{ ReplayCount: var n }] && n == expected,
                $"message poisoned again after replay {replayed}");
        }

        var refused = await working.Ops.ReplayPoisonAsync(poisonQueue, PoisonFilter.Everything);
        Assert.Empty(refused.Replayed);
        Assert.Contains("cap", Assert.Single(refused.NotReplayed).Reason, StringComparison.Ordinal);
        var message = Assert.Single(await working.Ops.ListPoisonMessagesAsync(poisonQueue));
        Assert.True(message.ReplayCapReached);
        Assert.Contains("no longer exists", message.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_concurrent_replays_of_the_same_queue_deliver_every_order_once()
    {
        var orderIds = Enumerable.Range(0, 20).Select(i => $"order-{i}").ToList();
        var (paying, working, partner, sku) = await PoisonedOrdersAsync(orderIds, keys: 20);
        await using var _ = paying;
        await using var __ = working;
        var poisonQueue = working.Queue + "-poison";
        await working.Ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY");

        var reports = await Task.WhenAll(
            working.Ops.ReplayPoisonAsync(poisonQueue, PoisonFilter.Everything),
            working.Ops.ReplayPoisonAsync(poisonQueue, PoisonFilter.Everything));

        var replayed = reports.SelectMany(r => r.Replayed).ToList();
        Assert.Equal(20, replayed.Count);
        Assert.Equal(20, replayed.Distinct().Count());
        var keys = new List<string>();
        foreach (var orderId in orderIds)
        {
            keys.AddRange((await working.WaitForStateAsync(partner, orderId, "delivered")).Keys.Select(k => k.Code));
        }

        Assert.Equal(20, keys.Distinct().Count());
        await working.WaitForStockAsync(sku, (0, 0, 20));
        Assert.Empty(await working.Ops.ListPoisonMessagesAsync(poisonQueue));
    }

    [Fact]
    public async Task Ops_poison_endpoints_need_the_ops_key_a_poison_queue_and_an_explicit_filter()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var poisonQueue = scenario.Queue + "-poison";
        using var partnerLike = scenario.App.CreateClient("not-the-ops-key");
        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await partnerLike.GetAsync("api/ops/poison")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await partnerLike.PostAsJsonAsync($"api/ops/poison/{poisonQueue}/replay", new { all = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.GetAsync($"api/ops/poison/{scenario.Queue}/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsJsonAsync($"api/ops/poison/{scenario.Queue}/replay", new { all = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.PostAsJsonAsync($"api/ops/poison/{poisonQueue}/replay", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.PostAsJsonAsync($"api/ops/poison/{poisonQueue}/purge", new { all = true, orderId = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.GetAsync($"api/ops/poison/{poisonQueue}/messages?limit=33")).StatusCode);

        await scenario.Service<QueueMessages>().PoisonAsync(scenario.Queue, "not json", "FulfilOrder", "test", 1, default);
        var report = await scenario.Ops.ReplayPoisonAsync(poisonQueue, PoisonFilter.Everything);
        Assert.Contains("not a JSON object", Assert.Single(report.NotReplayed).Reason, StringComparison.Ordinal);
        Assert.Single(await scenario.Ops.ListPoisonMessagesAsync(poisonQueue));
    }

    /// <summary>
    /// Pays the orders on an app whose trigger host is off, removes their SKU from the catalogue, then starts a working
    /// app on the same queue, which poisons them at once; returns when every order is in the poison queue.
    /// </summary>
    private async Task<(Scenario Paying, Scenario Working, CreatedPartner Partner, string Sku)> PoisonedOrdersAsync(
        IReadOnlyList<string> orderIds, int keys, int replayCap = 3)
    {
        var paying = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await paying.NewPartnerAsync();
        var sku = await paying.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(keys));
        foreach (var orderId in orderIds)
        {
            (await paying.PayAsync(partner, sku, orderId)).EnsureSuccessStatusCode();
        }

        await storage.Tables.GetTableClient(TableNames.Skus).DeleteEntityAsync(sku, "sku");
        var working = await Scenario.StartAsync(storage, queueName: paying.Queue, settings: new() { ["Ops:ReplayCap"] = replayCap.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await Scenario.EventuallyAsync(async () => (await working.Ops.ListPoisonMessagesAsync(paying.Queue + "-poison")).Count == orderIds.Count,
            "every order poisoned");
        return (paying, working, partner, sku);
    }
}
