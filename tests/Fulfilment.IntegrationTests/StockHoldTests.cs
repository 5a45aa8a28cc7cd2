using System.Net;
using Fulfilment.Contract;
using Fulfilment.Orders;
using Microsoft.Extensions.DependencyInjection;

namespace Fulfilment.IntegrationTests;

/// <summary>Card keys held for orders opened before payment: held, used by the payment, given back when the window ends, capped per buyer, and safe against a payment at the last instant.</summary>
[Collection(StorageCollection.Name)]
public sealed class StockHoldTests(StorageFixture storage, Xunit.Abstractions.ITestOutputHelper output)
{
    private static async Task<string> HoldingSkuAsync(Scenario scenario, int keys)
    {
        var sku = "hold-" + Guid.NewGuid().ToString("N")[..10];
        await scenario.Ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY", holdStock: true);
        await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(keys));
        return sku;
    }

    [Fact]
    public async Task An_opened_order_holds_its_keys_and_its_payment_delivers_them()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await HoldingSkuAsync(scenario, 3);

        var held = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("h-1", sku, 2, "buyer-1"))).Order!;
        var short1 = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("h-2", sku, 2, "buyer-2"))).Order!;

        Assert.Equal(("held", "opened"), (held.State, short1.State));
        await scenario.WaitForStockAsync(sku, (1, 2, 0));
        Assert.Contains("not held: 1 of 2", (await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "h-2")).Order.StateReason);

        // The held order's payment: delivered with the held keys, nothing more taken from stock.
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData("h-1", sku, 2, 20m, "CNY", "buyer-1"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "h-1", "delivered");
        await scenario.WaitForStockAsync(sku, (1, 0, 2));
        var trace = await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "h-1");
        Assert.Equal(["opened", "held", "paid", "delivered"], trace.Trace.Where(e => e.Kind == OrderTraceEvent.StateKind).Select(e => e.State).Distinct());
    }

    [Fact]
    public async Task Held_keys_go_back_when_the_window_ends_and_a_later_payment_is_still_honoured()
    {
        await using var scenario = await Scenario.StartAsync(storage, settings: new() { ["OrderOpening:PaymentWindowSeconds"] = "1" });
        var partner = await scenario.NewPartnerAsync();
        var sku = await HoldingSkuAsync(scenario, 1);
        Assert.Equal("held", (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("late-1", sku, 1, "buyer-1"))).Order!.State);
        await scenario.WaitForStockAsync(sku, (0, 1, 0));

        // The release as it runs once the window is over (it gives back what ended before the time it is given).
        var afterTheWindow = DateTimeOffset.UtcNow.AddSeconds(2);
        Assert.Equal(1, await scenario.Service<StockHolds>().ReleaseEndedAsync(afterTheWindow, default));

        await scenario.WaitForStockAsync(sku, (1, 0, 0));
        Assert.Equal(("expired", "awaiting_payment"), ((await scenario.GetOrderAsync(partner, "late-1"))!.State, (await scenario.GetOrderAsync(partner, "late-1"))!.ReasonCode));
        Assert.Equal(0, await scenario.Service<StockHolds>().ReleaseEndedAsync(afterTheWindow, default)); // nothing left to give back

        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData("late-1", sku, 1, 10m, "CNY", "buyer-1"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "late-1", "delivered");
        await scenario.WaitForStockAsync(sku, (0, 0, 1));
    }

    [Fact]
    public async Task A_buyer_holds_keys_for_at_most_the_cap_and_further_orders_open_without_a_hold()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false, settings: new() { ["OrderOpening:MaxHeldOrdersPerBuyer"] = "2" });
        var partner = await scenario.NewPartnerAsync();
        var sku = await HoldingSkuAsync(scenario, 10);

        var states = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            states.Add((await scenario.OpenOrderAsync(partner, new OpenOrderRequest($"cap-{i}", sku, 1, "hoarder"))).Order!.State);
        }

        var otherBuyer = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("cap-other", sku, 1, "someone-else"))).Order!.State;

        Assert.Equal(["held", "held", "opened"], states);
        Assert.Equal("held", otherBuyer);
        await scenario.WaitForStockAsync(sku, (7, 3, 0));
        Assert.Contains("already holds keys for 2", (await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "cap-2")).Order.StateReason);
    }

    [Fact]
    public async Task Payments_at_the_instant_their_holds_expire_are_delivered_once_and_the_counts_agree()
    {
        await using var scenario = await Scenario.StartAsync(storage, instances: 2, settings: new() { ["OrderOpening:PaymentWindowSeconds"] = "1" });
        var partner = await scenario.NewPartnerAsync();
        const int orders = 8;
        var sku = await HoldingSkuAsync(scenario, 2 * orders + 4);
        for (var i = 0; i < orders; i++)
        {
            Assert.Equal("held", (await scenario.OpenOrderAsync(partner, new OpenOrderRequest($"race-{i}", sku, 2, $"buyer-{i}"))).Order!.State);
        }

        await scenario.WaitForStockAsync(sku, (4, 2 * orders, 0));

        // Both instances give back what they find, as they would once the window is over, while every order is paid.
        var afterTheWindow = DateTimeOffset.UtcNow.AddSeconds(2);
        var releases = scenario.Apps.Select(app => Task.Run(() => app.Services.GetRequiredService<StockHolds>().ReleaseEndedAsync(afterTheWindow, default))).ToList();
        var payments = Enumerable.Range(0, orders).Select(i => scenario.Webhooks.SendAsync(
            partner.PartnerId, partner.WebhookSecret, new PaymentData($"race-{i}", sku, 2, 20m, "CNY", $"buyer-{i}"))).ToList();
        await Task.WhenAll(releases);
        Assert.All(await Task.WhenAll(payments), r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));

        var delivered = new List<PartnerOrder>();
        for (var i = 0; i < orders; i++)
        {
            delivered.Add(await scenario.WaitForStateAsync(partner, $"race-{i}", "delivered", TimeSpan.FromSeconds(60)));
        }

        var keys = delivered.SelectMany(o => o.Keys).Select(k => k.Code).ToList();
        Assert.Equal(2 * orders, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct().Count()); // no key sold twice
        await scenario.WaitForStockAsync(sku, (4, 0, 2 * orders));
        var expiredFirst = 0;
        for (var i = 0; i < orders; i++)
        {
            var trace = await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, $"race-{i}");
            expiredFirst += trace.Trace.Any(e => e.State == "expired") ? 1 : 0;
        }

        output.WriteLine($"{expiredFirst} of {orders} orders expired (keys given back) before their payment; the others were paid holding their keys");
    }
}
