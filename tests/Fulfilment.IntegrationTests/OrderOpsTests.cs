using System.Net;
using Fulfilment.Contract;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>What ops see of orders and SKUs: an order's trace, resending its notification, stock and margin.</summary>
[Collection(StorageCollection.Name)]
public sealed class OrderOpsTests(StorageFixture storage)
{
    [Fact]
    public async Task Trace_tells_an_orders_states_and_notifications_in_time_order_and_a_resend_reaches_the_partner_again()
    {
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: 1);
        await using var scenario = await Scenario.StartAsync(storage, settings: new() { ["Notifications:FirstDelaySeconds"] = "0.1" });
        var partner = await scenario.NewPartnerAsync(receiver.Url);
        var sku = await scenario.NewCardKeySkuAsync();

        await scenario.PayAsync(partner, sku, "order-1");
        await scenario.WaitForStateAsync(partner, "order-1", "awaiting-stock");
        await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(1));
        await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        await Scenario.EventuallyAsync(async () => (await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "order-1")).Order.NotificationStatus == "sent",
            "notification sent");

        var (order, trace) = await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "order-1");
        Assert.Equal("delivered", order.State);
        Assert.Single(order.KeyIds);
        Assert.Equal(
            ["state:paid", "state:awaiting-stock", "state:delivered", "notification:retrying", "notification:sent"],
            trace.Select(e => $"{e.Kind}:{(e.Kind == "notification" ? e.Status : e.State)}"));
        Assert.Equal(trace.OrderBy(e => e.At).Select(e => e.Summary), trace.Select(e => e.Summary));
        Assert.Contains("not enough keys", trace[1].Reason, StringComparison.Ordinal);
        Assert.Equal([1, 2], trace.Where(e => e.Kind == "notification").Select(e => e.Attempt!.Value));
        var traceJson = await scenario.App.CreateClient(LocalApp.OpsKey).GetStringAsync($"api/ops/partners/{partner.PartnerId}/orders/order-1");
        Assert.DoesNotContain("CARD-", traceJson, StringComparison.Ordinal);

        var resend = await scenario.Ops.ResendNotificationAsync(partner.PartnerId, "order-1");
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        await Scenario.EventuallyAsync(() => Task.FromResult(receiver.Received.Count == 3), "notification resent");
        var webhookIds = receiver.Received.Select(r => r.Headers["webhook-id"]).Distinct();
        Assert.Single(webhookIds);

        Assert.Equal(HttpStatusCode.NotFound, (await scenario.Ops.ResendNotificationAsync(partner.PartnerId, "no-such-order")).StatusCode);
        await scenario.PayAsync(partner, sku, "order-2");
        await scenario.WaitForStateAsync(partner, "order-2", "awaiting-stock");
        Assert.Equal(HttpStatusCode.Conflict, (await scenario.Ops.ResendNotificationAsync(partner.PartnerId, "order-2")).StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => scenario.Ops.GetOrderTraceAsync("someone-else", "order-1"));
    }

    [Fact]
    public async Task Skus_list_their_stock_and_margin()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        await scenario.Ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY", unitCost: 7.5m);
        await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(3)); // the batch costs the SKU's unit cost
        var withoutCost = await scenario.NewCardKeySkuAsync();

        await scenario.PayAsync(partner, sku, "order-1");
        await scenario.WaitForStockAsync(sku, (2, 0, 1));

        var skus = await scenario.Ops.ListSkusAsync();
        var row = skus.Single(s => s.Sku == sku);
        Assert.Equal((10m, 7.5m, 2.5m, 25m), (row.UnitPrice, row.UnitCost, row.UnitMargin!.Value, row.MarginPercent!.Value));
        Assert.Equal(new SkuStock(2, 0, 1, 0, 0), row.Stock);
        Assert.Equal(2.5m, row.SoldMargin);
        var unknown = skus.Single(s => s.Sku == withoutCost);
        Assert.Null(unknown.UnitMargin);
        Assert.Equal(0m, unknown.SoldMargin); // nothing sold yet: nothing earned, whatever the cost
    }
}
