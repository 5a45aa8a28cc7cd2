using Fulfilment.Contract;
using Fulfilment.Delivery;
using Fulfilment.Local;
using Fulfilment.Orders;
using Fulfilment.SupplierSimulator;
using Microsoft.Extensions.DependencyInjection;

namespace Fulfilment.IntegrationTests;

/// <summary>No paid order waits forever for a queue message that is gone: the timer-triggered sweep finds it.</summary>
[Collection(StorageCollection.Name)]
public sealed class StalledOrderTests(StorageFixture storage)
{
    [Fact]
    public async Task Paid_order_whose_message_was_lost_is_delivered_by_the_timer_triggered_sweep()
    {
        // The webhook wrote the order and its message; then the message is lost (the host died before queueing, say).
        string queue;
        Contract.CreatedPartner partner;
        string sku;
        await using (var paidOnly = await Scenario.StartAsync(storage, triggerHost: false))
        {
            partner = await paidOnly.NewPartnerAsync();
            sku = await paidOnly.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
            await paidOnly.PayAsync(partner, sku, "order-lost");
            queue = paidOnly.Queue;
            await storage.Queues.GetQueueClient(queue).ClearMessagesAsync();
        }

        // An app with its trigger host running (and so its timers), sweeping orders quiet for 5 s.
        await using var scenario = await Scenario.StartAsync(storage, queueName: queue, settings: new()
        {
            ["OrderSweep:QuietSeconds"] = "5",
            ["AzureWebJobs.SweepStalledOrders.Disabled"] = "false",
        });
        var order = await scenario.WaitForStateAsync(partner, "order-lost", "delivered", TimeSpan.FromSeconds(45));

        Assert.Single(order.Keys);
        Assert.Contains(scenario.Logs.Lines, l => l.Contains("Order order-lost", StringComparison.Ordinal) && l.Contains("queued again", StringComparison.Ordinal));
        await scenario.WaitForStockAsync(sku, (1, 0, 1));
    }

    [Fact]
    public async Task Sweep_queues_a_stalled_order_once_however_many_sweeps_run_and_forgets_it_once_final()
    {
        var clock = new ShiftedClock();
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false, replaceServices: s => s.AddSingleton<TimeProvider>(clock));
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));
        await scenario.PayAsync(partner, sku, "order-1");
        var fulfilQueue = storage.Queues.GetQueueClient(scenario.Queue);
        await fulfilQueue.ClearMessagesAsync();
        var sweep = scenario.Service<StalledOrderSweep>();

        Assert.Equal(0, (await sweep.SweepAsync(default)).Requeued); // paid just now: not stalled yet
        clock.Offset = TimeSpan.FromMinutes(2);
        var sweeps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => sweep.SweepAsync(default))); // four instances at once
        Assert.Equal(1, sweeps.Sum(s => s.Requeued));
        Assert.Equal(0, (await sweep.SweepAsync(default)).Requeued); // queued a moment ago: given time to run

        var message = Assert.Single((await fulfilQueue.ReceiveMessagesAsync(32)).Value);
        var request = FulfilmentRequests.Parse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString())))!;
        await scenario.Service<OrderFulfilment>().FulfilAsync(request, default);
        Assert.Equal("delivered", (await scenario.GetOrderAsync(partner, "order-1"))!.State);

        clock.Offset = TimeSpan.FromMinutes(30);
        await Scenario.EventuallyAsync(
            async () => !(await scenario.Service<OpenOrders>().FindPaidBeforeAsync(clock.GetUtcNow(), default)).Any(o => o.PartnerId == partner.PartnerId),
            "the delivered order leaves the open-orders index");
    }

    [Fact]
    public async Task A_delivered_order_whose_row_outlived_a_crash_is_removed_from_the_index_by_the_sweep()
    {
        var clock = new ShiftedClock();
        await using var scenario = await Scenario.StartAsync(storage, replaceServices: s => s.AddSingleton<TimeProvider>(clock));
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));
        await scenario.PayAsync(partner, sku, "order-1");
        await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        var openOrders = scenario.Service<OpenOrders>();
        var order = (await scenario.Service<OrderBook>().GetAsync(partner.PartnerId, "order-1", default))!;
        bool Listed(List<OpenOrder> open) => open.Any(o => o.PartnerId == partner.PartnerId);
        await Scenario.EventuallyAsync(async () => !Listed(await openOrders.FindPaidBeforeAsync(clock.GetUtcNow() + TimeSpan.FromDays(1), default)), "the row removed after delivery");

        // The process died before its delayed removal: the row is there again for a final order.
        await openOrders.AddAsync(order, default);
        clock.Offset = TimeSpan.FromMinutes(2);
        await scenario.Service<StalledOrderSweep>().SweepAsync(default);

        Assert.False(Listed(await openOrders.FindPaidBeforeAsync(clock.GetUtcNow(), default)));
    }

    [Fact]
    public async Task Order_waiting_for_stock_is_served_when_keys_come_back_other_than_by_an_import()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var skuId = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));
        var sku = (await scenario.Service<Fulfilment.Catalogue.SkuCatalogue>().FindAsync(skuId, default))!;
        var inventory = scenario.Service<Fulfilment.Inventory.CardKeyInventory>();
        var fulfilQueue = storage.Queues.GetQueueClient(scenario.Queue);

        // A crashed attempt of another order holds the only key; this order waits.
        var held = await inventory.ClaimAsync(sku, "p-other|crashed", 1, default);
        await scenario.PayAsync(partner, skuId, "order-1");
        await fulfilQueue.ClearMessagesAsync();
        await scenario.Service<OrderFulfilment>().FulfilAsync(new FulfilmentRequest(partner.PartnerId, "order-1"), default);
        Assert.Equal("awaiting-stock", (await scenario.GetOrderAsync(partner, "order-1"))!.State);
        Assert.Empty((await fulfilQueue.PeekMessagesAsync()).Value);

        // The key comes back to stock, not by an import: nothing else would ever wake the order.
        await inventory.ReleaseAsync(sku, "p-other|crashed", held, default);
        Assert.True((await scenario.Service<StalledOrderSweep>().SweepAsync(default)).Requeued >= 1);

        var message = Assert.Single((await fulfilQueue.ReceiveMessagesAsync(32)).Value);
        var request = FulfilmentRequests.Parse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString())))!;
        await scenario.Service<OrderFulfilment>().FulfilAsync(request, default);
        Assert.Equal("delivered", (await scenario.GetOrderAsync(partner, "order-1"))!.State);
    }

    [Fact]
    public async Task Top_up_whose_messages_stopped_past_its_deadline_needs_attention_with_an_alert()
    {
        await using var supplier = await GenericRestSimulator.StartAsync("key");
        var clock = new ShiftedClock();
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false, replaceServices: s => s.AddSingleton<TimeProvider>(clock), settings: new()
        {
            ["Suppliers:alpha:BaseUrl"] = supplier.BaseAddress.ToString(),
            ["Suppliers:alpha:ApiKey"] = "key",
        });
        var partner = await scenario.NewPartnerAsync();
        var sku = "topup-" + Guid.NewGuid().ToString("N")[..10];
        await scenario.Ops.SaveSkuAsync(sku, "Top-up", "direct-top-up", 30m, "CNY", suppliers: ["alpha"], productCode: "mobile-30");
        await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData("stuck-1", sku, 1, 30m, "CNY", "buyer", "13800000000"));

        // Reconciling, its deadline an hour ago, and its delayed message lost (poisoned, say).
        var orders = scenario.Service<OrderBook>();
        var paid = (await orders.GetAsync(partner.PartnerId, "stuck-1", default))!;
        Assert.NotNull(await orders.TryChangeAsync(paid with
        {
            State = OrderState.Reconciling, Supplier = "alpha", ClientReference = $"{partner.PartnerId}:stuck-1:1", SubmitCount = 1,
            ReconcileBy = DateTimeOffset.UtcNow.AddHours(-1),
        }, default));
        await storage.Queues.GetQueueClient(scenario.Queue).ClearMessagesAsync();
        clock.Offset = TimeSpan.FromMinutes(2);

        Assert.Equal(1, (await scenario.Service<StalledOrderSweep>().SweepAsync(default)).GaveUp);

        var order = (await scenario.GetOrderAsync(partner, "stuck-1"))!;
        Assert.Equal("needs-attention", order.State);
        await scenario.WaitForAlertAsync(partner.PartnerId, "stuck-1");
        Assert.Equal(0, supplier.Submits); // nothing was sent blindly
    }
}
