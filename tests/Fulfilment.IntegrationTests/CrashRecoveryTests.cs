using Fulfilment.Catalogue;
using Fulfilment.Delivery;
using Fulfilment.Inventory;
using Fulfilment.Orders;
using Microsoft.Extensions.DependencyInjection;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// A worker killed between claiming keys and binding them leaves exactly this behind: reservation rows naming
/// the order, the order still paid, and its queue message undeleted (it reappears with a higher dequeue count).
/// These tests build that state with the real inventory, then let the redelivered message run.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class CrashRecoveryTests(StorageFixture storage)
{
    [Fact]
    public async Task Key_reserved_by_a_killed_worker_reaches_its_order_on_redelivery()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var (partner, sku) = await PaidOrderAsync(scenario, keyCount: 3);
        var crashed = await ClaimAsAWorkerThatDiesAsync(scenario, partner, sku);
        Assert.Equal((2, 1, 0), Levels(await scenario.Ops.GetStockAsync(sku.Id)));

        await scenario.Service<OrderFulfilment>().FulfilAsync(new FulfilmentRequest(partner.PartnerId, "order-1"), default);

        var order = await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        Assert.Equal(crashed[0].KeyId, Assert.Single(order.Keys).KeyId);
        Assert.Equal((2, 0, 1), Levels(await scenario.Ops.GetStockAsync(sku.Id)));
    }

    [Fact]
    public async Task Message_with_dequeue_count_one_still_finds_a_killed_workers_reservations()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var (partner, sku) = await PaidOrderAsync(scenario, keyCount: 3);
        // Worker A claims and dies; then a message that has never been dequeued before (a poison replay, or the one a
        // duplicate webhook queues) runs the order: it must find A's key, not claim a fresh one and strand A's.
        var crashed = await ClaimAsAWorkerThatDiesAsync(scenario, partner, sku);
        await RunFulfilOrderMessageAsync(scenario, partner.PartnerId, "order-1");

        var delivered = await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        Assert.Equal(crashed[0].KeyId, Assert.Single(delivered.Keys).KeyId);
        Assert.Equal((2, 0, 1), Levels(await scenario.Ops.GetStockAsync(sku.Id)));
    }

    [Fact]
    public async Task Keys_reserved_by_a_killed_worker_return_to_stock_when_another_attempt_delivered_the_order()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var (partner, sku) = await PaidOrderAsync(scenario, keyCount: 3);
        var inventory = scenario.Service<CardKeyInventory>();
        var fulfilment = scenario.Service<OrderFulfilment>();
        var request = new FulfilmentRequest(partner.PartnerId, "order-1");

        // One attempt delivers the order; a late duplicate attempt that read the order before reserves a key and dies.
        await fulfilment.FulfilAsync(request, default);
        var delivered = await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        var crashed = await inventory.ClaimAsync(sku, $"{partner.PartnerId}|order-1", 1, default);
        Assert.Equal((1, 1, 1), Levels(await scenario.Ops.GetStockAsync(sku.Id)));

        // Its message comes back, replayed with dequeue count 1.
        await RunFulfilOrderMessageAsync(scenario, partner.PartnerId, "order-1");

        Assert.Equal((2, 0, 1), Levels(await scenario.Ops.GetStockAsync(sku.Id)));
        var after = await scenario.GetOrderAsync(partner, "order-1");
        Assert.Equal(delivered.Keys, after!.Keys);
        Assert.DoesNotContain(crashed[0].KeyId, after.Keys.Select(k => k.KeyId));
    }

    /// <summary>What a worker does before it dies: marks the order as being claimed for (as every attempt does first), then claims.</summary>
    private static async Task<List<KeyRef>> ClaimAsAWorkerThatDiesAsync(Scenario scenario, Contract.CreatedPartner partner, Sku sku)
    {
        var orders = scenario.Service<OrderBook>();
        var order = (await orders.GetAsync(partner.PartnerId, "order-1", default))!;
        Assert.NotNull(await orders.TryChangeAsync(order with { ClaimStartedAt = DateTimeOffset.UtcNow }, default));
        return await scenario.Service<CardKeyInventory>().ClaimAsync(sku, order.Reference, 1, default);
    }

    /// <summary>Runs the FulfilOrder function on a message that has never been dequeued before.</summary>
    private static async Task RunFulfilOrderMessageAsync(Scenario scenario, string partnerId, string orderId)
    {
        var outcome = await scenario.Service<Fulfilment.Hosting.QueueFunctionInvoker>().InvokeAsync(
            new Fulfilment.Storage.QueueInvocation("FulfilOrder", scenario.Queue, Guid.NewGuid().ToString(),
                $"{{\"partnerId\":\"{partnerId}\",\"orderId\":\"{orderId}\"}}", DequeueCount: 1, DateTimeOffset.UtcNow),
            default);
        Assert.True(outcome.Succeeded, outcome.Error);
    }

    [Fact]
    public async Task Order_bound_but_not_marked_sold_before_a_crash_is_settled_on_redelivery()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var (partner, sku) = await PaidOrderAsync(scenario, keyCount: 2);
        var orders = scenario.Service<OrderBook>();
        var inventory = scenario.Service<CardKeyInventory>();
        var order = (await orders.GetAsync(partner.PartnerId, "order-1", default))!;
        var claimed = await inventory.ClaimAsync(sku, order.Reference, 1, default);
        Assert.NotNull(await orders.TryChangeAsync(order with { State = OrderState.Delivered, Keys = claimed, DeliveredAt = DateTimeOffset.UtcNow }, default));

        await scenario.Service<OrderFulfilment>().FulfilAsync(new FulfilmentRequest(partner.PartnerId, "order-1"), default);

        Assert.Equal((1, 0, 1), Levels(await scenario.Ops.GetStockAsync(sku.Id)));
    }

    private static async Task<(Contract.CreatedPartner, Sku)> PaidOrderAsync(Scenario scenario, int keyCount)
    {
        var partner = await scenario.NewPartnerAsync();
        var skuId = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(keyCount));
        Assert.Equal(System.Net.HttpStatusCode.Created, (await scenario.PayAsync(partner, skuId, "order-1")).StatusCode);
        return (partner, (await scenario.Service<SkuCatalogue>().FindAsync(skuId, default))!);
    }

    private static (int, int, int) Levels(Contract.StockLevels s) => (s.Available, s.Reserved, s.Sold);
}

/// <summary>
/// Two attempts on one order (say a duplicate message), interleaved at the worst moment: B runs short of stock
/// and gives back the key A reserved; right then A, which read the order before, binds that key.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class ConcurrentAttemptTests(StorageFixture storage)
{
    [Fact]
    public async Task Key_given_back_for_lack_of_stock_cannot_be_bound_by_an_attempt_that_read_the_order_before()
    {
        var pause = new PauseAfterGivingBack();
        var options = new Azure.Data.Tables.TableClientOptions();
        options.AddPolicy(pause, Azure.Core.HttpPipelinePosition.PerCall);
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false,
            replaceServices: services => services.AddSingleton(new Azure.Data.Tables.TableServiceClient(storage.ConnectionString, options)));
        var partner = await scenario.NewPartnerAsync();
        var skuId = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));
        var sku = (await scenario.Service<SkuCatalogue>().FindAsync(skuId, default))!;
        await scenario.PayAsync(partner, skuId, "order-1", quantity: 2);

        // Attempt A reads the order and reserves the only key.
        var ordersSeenByA = new OrderBook(storage.Tables, TimeProvider.System, scenario.Service<OrderMetrics>());
        var readByA = (await ordersSeenByA.GetAsync(partner.PartnerId, "order-1", default))!;
        var reservedByA = await scenario.Service<CardKeyInventory>().ClaimAsync(sku, readByA.Reference, 1, default);

        // Attempt B (a redelivery) finds A's key, still falls short of 2, and gives it back: pause it right there.
        pause.Arm();
        var attemptB = scenario.Service<OrderFulfilment>().FulfilAsync(new FulfilmentRequest(partner.PartnerId, "order-1"), default);
        Assert.True(await pause.GaveBack.WaitAsync(TimeSpan.FromSeconds(30)), "attempt B gave the key back");

        var boundByA = await ordersSeenByA.TryChangeAsync(
            readByA with { State = OrderState.Delivered, Keys = reservedByA, DeliveredAt = DateTimeOffset.UtcNow }, default);
        pause.Resume();
        await attemptB;

        Assert.Null(boundByA);
        Assert.Equal("awaiting-stock", (await scenario.GetOrderAsync(partner, "order-1"))!.State);
        var stock = await scenario.Ops.GetStockAsync(skuId);
        Assert.Equal((1, 0, 0), (stock.Available, stock.Reserved, stock.Sold));
    }

    /// <summary>Holds the app's storage calls right after a transaction that gives a key back to stock.</summary>
    private sealed class PauseAfterGivingBack : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private readonly SemaphoreSlim resume = new(0);
        private volatile bool armed;

        public SemaphoreSlim GaveBack { get; } = new(0);

        public void Arm() => armed = true;

        public void Resume() => resume.Release();

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessNext(message, pipeline);

        public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            var givesBack = armed && message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && await BodyAsync(message) is var body
                && body.Contains("\"State\":\"available\"", StringComparison.Ordinal);
            await ProcessNextAsync(message, pipeline);
            if (givesBack)
            {
                armed = false;
                GaveBack.Release();
                await resume.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        private static async Task<string> BodyAsync(Azure.Core.HttpMessage message)
        {
            using var buffer = new MemoryStream();
            await message.Request.Content!.WriteToAsync(buffer, default);
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
    }
}
