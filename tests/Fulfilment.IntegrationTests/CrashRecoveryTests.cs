using Fulfilment.Catalogue;
using Fulfilment.Delivery;
using Fulfilment.Inventory;
using Fulfilment.Orders;

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
        var inventory = scenario.Service<CardKeyInventory>();
        var crashed = await inventory.ClaimAsync(sku, $"{partner.PartnerId}|order-1", 1, default);
        Assert.Equal((2, 1, 0), Levels(await scenario.Ops.GetStockAsync(sku.Id)));

        await scenario.Service<OrderFulfilment>().FulfilAsync(new FulfilmentRequest(partner.PartnerId, "order-1"), dequeueCount: 2, default);

        var order = await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        Assert.Equal(crashed[0].KeyId, Assert.Single(order.Keys).KeyId);
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

        // Worker A claims and dies; a duplicate message (dequeue count 1, so it does not look for A's
        // reservations) delivers the order with another key; then A's message comes back.
        var crashed = await inventory.ClaimAsync(sku, $"{partner.PartnerId}|order-1", 1, default);
        await fulfilment.FulfilAsync(request, dequeueCount: 1, default);
        var delivered = await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        Assert.NotEqual(crashed[0].KeyId, Assert.Single(delivered.Keys).KeyId);
        Assert.Equal((1, 1, 1), Levels(await scenario.Ops.GetStockAsync(sku.Id)));

        await fulfilment.FulfilAsync(request, dequeueCount: 2, default);

        Assert.Equal((2, 0, 1), Levels(await scenario.Ops.GetStockAsync(sku.Id)));
        var after = await scenario.GetOrderAsync(partner, "order-1");
        Assert.Equal(delivered.Keys, after!.Keys);
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
        Assert.True(await orders.TryChangeAsync(order with { State = OrderState.Delivered, Keys = claimed, DeliveredAt = DateTimeOffset.UtcNow }, default));

        await scenario.Service<OrderFulfilment>().FulfilAsync(new FulfilmentRequest(partner.PartnerId, "order-1"), dequeueCount: 2, default);

        Assert.Equal((1, 0, 1), Levels(await scenario.Ops.GetStockAsync(sku.Id)));
    }

    private static async Task<(Local.CreatedPartner, Sku)> PaidOrderAsync(Scenario scenario, int keyCount)
    {
        var partner = await scenario.NewPartnerAsync();
        var skuId = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(keyCount));
        Assert.Equal(System.Net.HttpStatusCode.Created, (await scenario.PayAsync(partner, skuId, "order-1")).StatusCode);
        return (partner, (await scenario.Service<SkuCatalogue>().FindAsync(skuId, default))!);
    }

    private static (int, int, int) Levels(Local.StockLevels s) => (s.Available, s.Reserved, s.Sold);
}
