using System.Net;
using System.Text.Json;
using Fulfilment.Contract;
using Fulfilment.Delivery;
using Fulfilment.Local;
using Fulfilment.Orders;
using Fulfilment.SupplierSimulator;

namespace Fulfilment.IntegrationTests;

/// <summary>Refunds and disputes reach the order, through Stripe's own events: before and after delivery, for card keys and top-ups.</summary>
[Collection(StorageCollection.Name)]
public sealed class PaymentReversalTests(StorageFixture storage)
{
    internal sealed record Paid(CreatedPartner Partner, string Secret, string PaymentIntent, OpenedOrder Order);

    internal static async Task<Paid> PayWithStripeAsync(Scenario scenario, CreatedPartner partner, string secret, string sku, string orderId, int quantity, string? account = null)
    {
        var opened = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest(orderId, sku, quantity, "buyer-" + orderId, account))).Order!;
        var intent = StripeEventSender.NewId("pi");
        var paid = await scenario.Stripe.SendAsync(partner.PartnerId, secret,
            StripeEventSender.CheckoutSessionEvent(StripeEventSender.NewId("evt"), intent, opened.PaymentReference, opened.AmountInMinorUnits, opened.Currency));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        return new Paid(partner, secret, intent, opened);
    }

    internal static Task<HttpResponseMessage> RefundAsync(Scenario scenario, Paid paid, long refundedSoFar, string? eventId = null) =>
        scenario.Stripe.SendAsync(paid.Partner.PartnerId, paid.Secret, StripeEventSender.ChargeRefundedEvent(
            eventId ?? StripeEventSender.NewId("evt"), "ch_" + paid.PaymentIntent[3..], paid.PaymentIntent, paid.Order.AmountInMinorUnits, refundedSoFar, paid.Order.Currency));

    internal static async Task<(CreatedPartner Partner, string Secret)> StripePartnerAsync(Scenario scenario, Uri? callback = null)
    {
        var partner = await scenario.NewPartnerAsync(callback);
        var secret = StripeEventSender.NewEndpointSecret();
        await scenario.Ops.AddPaymentCredentialAsync(partner.PartnerId, new PaymentCredentialRequest("stripe", EndpointSecret: secret));
        return (partner, secret);
    }

    [Fact]
    public async Task A_delivered_card_key_order_refunded_in_part_then_disputed_flags_its_keys_and_tells_the_partner()
    {
        await using var callbacks = await CallbackReceiver.StartAsync(failFirst: 0);
        await using var scenario = await Scenario.StartAsync(storage);
        var (partner, secret) = await StripePartnerAsync(scenario, callbacks.Url);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(3));
        var paid = await PayWithStripeAsync(scenario, partner, secret, sku, "k-1", 3);
        var delivered = await scenario.WaitForStateAsync(partner, "k-1", "delivered");
        // One unit of three refunded (10.00 of 30.00): refunded, one key flagged; the same event again changes nothing.
        var refundEvent = StripeEventSender.NewId("evt");
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(scenario, paid, 1000, refundEvent)).StatusCode);
        var again = await RefundAsync(scenario, paid, 1000, refundEvent);
        Assert.True(JsonSerializer.Deserialize<PaymentAccepted>(await again.Content.ReadAsStringAsync(), ContractJson.Strict)!.Duplicate);
        var refunded = (await scenario.GetOrderAsync(partner, "k-1"))!;
        Assert.Equal(("refunded", "payment_refunded"), (refunded.State, refunded.ReasonCode));
        Assert.Single((await scenario.Ops.ListCompromisedKeysAsync(sku)).Keys);

        // Then the buyer disputes the payment: disputed, every key flagged; stock never gets them back.
        Assert.Equal(HttpStatusCode.OK, (await scenario.Stripe.SendAsync(partner.PartnerId, secret, StripeEventSender.DisputeCreatedEvent(
            StripeEventSender.NewId("evt"), "dp_" + paid.PaymentIntent[3..], "ch_" + paid.PaymentIntent[3..], paid.PaymentIntent, 3000, "cny"))).StatusCode);
        Assert.Equal("disputed", (await scenario.GetOrderAsync(partner, "k-1"))!.State);
        var flagged = (await scenario.Ops.ListCompromisedKeysAsync(sku)).Keys;
        Assert.Equal(delivered.Keys.Select(k => k.KeyId).Order(), flagged.Select(k => k.KeyId).Order());
        Assert.All(flagged, k => Assert.Equal(("k-1", partner.PartnerId), (k.OrderId, k.PartnerId)));
        await scenario.WaitForStockAsync(sku, (0, 0, 3));

        // The partner heard each final state; the log and the trace show them.
        await Scenario.EventuallyAsync(
            () => Task.FromResult(callbacks.Received.Select(c => JsonDocument.Parse(c.Body).RootElement.GetProperty("type").GetString()).ToHashSet()
                .IsSupersetOf(["order.delivered", "order.refunded", "order.disputed"])),
            "the partner told each final state in turn: delivered, refunded, disputed");
        using var asPartner = scenario.App.CreateClient(partner.ApiKey);
        var log = await asPartner.GetStringAsync($"api/partners/{partner.PartnerId}/redemptions?orderId=k-1");
        Assert.Contains("order-refunded", log);
        Assert.Contains("order-disputed", log);
        var trace = await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "k-1");
        Assert.Equal(["opened", "paid", "delivered", "refunded", "disputed"], trace.Trace.Where(e => e.Kind == OrderTraceEvent.StateKind).Select(e => e.State).Distinct());
    }

    [Fact]
    public async Task A_card_key_order_refunded_before_delivery_is_cancelled_and_never_takes_a_key()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var (partner, secret) = await StripePartnerAsync(scenario);
        var sku = await scenario.NewCardKeySkuAsync(); // no stock: the paid order waits
        var paid = await PayWithStripeAsync(scenario, partner, secret, sku, "w-1", 1);
        await scenario.WaitForStateAsync(partner, "w-1", "awaiting-stock");

        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(scenario, paid, 1000)).StatusCode);
        Assert.Equal(("cancelled", "payment_refunded"), ((await scenario.GetOrderAsync(partner, "w-1"))!.State, (await scenario.GetOrderAsync(partner, "w-1"))!.ReasonCode));

        // Keys arrive: the cancelled order left the waiting list, so the import queues nothing; a stray message for it takes no key.
        Assert.Equal(0, (await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(2))).OrdersReleased);
        await scenario.Service<OrderFulfilment>().FulfilAsync(new FulfilmentRequest(partner.PartnerId, "w-1"), default);
        Assert.Equal("cancelled", (await scenario.GetOrderAsync(partner, "w-1"))!.State);
        await scenario.WaitForStockAsync(sku, (2, 0, 0));
        Assert.Empty((await scenario.Ops.ListCompromisedKeysAsync(sku)).Keys);
    }

    [Fact]
    public async Task A_held_card_key_order_refunded_before_delivery_gives_its_held_keys_back()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var (partner, secret) = await StripePartnerAsync(scenario);
        var sku = "hold-" + Guid.NewGuid().ToString("N")[..10];
        await scenario.Ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY", holdStock: true);
        await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(2));
        var paid = await PayWithStripeAsync(scenario, partner, secret, sku, "hr-1", 2); // paid, held keys, fulfilment not run
        await scenario.WaitForStockAsync(sku, (0, 2, 0));

        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(scenario, paid, 2000)).StatusCode);
        await scenario.WaitForStockAsync(sku, (2, 0, 0));

        // The fulfilment message that was queued runs now: nothing is claimed for the cancelled order.
        await scenario.Service<OrderFulfilment>().FulfilAsync(new FulfilmentRequest(partner.PartnerId, "hr-1"), default);
        Assert.Equal("cancelled", (await scenario.GetOrderAsync(partner, "hr-1"))!.State);
        await scenario.WaitForStockAsync(sku, (2, 0, 0));
    }

    [Theory]
    [InlineData("direct-top-up")]
    [InlineData("redemption")]
    public async Task A_supplier_order_refunded_before_it_is_submitted_is_never_submitted_and_one_refunded_after_delivery_alerts_ops(string kind)
    {
        await using var supplier = await GenericRestSimulator.StartAsync("key");
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false, settings: new()
        {
            ["Suppliers:alpha:BaseUrl"] = supplier.BaseAddress.ToString(),
            ["Suppliers:alpha:ApiKey"] = "key",
        });
        var (partner, secret) = await StripePartnerAsync(scenario);
        var sku = "sup-" + Guid.NewGuid().ToString("N")[..10];
        await scenario.Ops.SaveSkuAsync(sku, "Credit 30", kind, 30m, "CNY", suppliers: ["alpha"], productCode: "p-30");
        var fulfilment = scenario.Service<OrderFulfilment>();

        // Refunded while still only paid: cancelled, and its queued fulfilment submits nothing.
        var early = await PayWithStripeAsync(scenario, partner, secret, sku, "s-early", 1, "13800000000");
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(scenario, early, 3000)).StatusCode);
        await fulfilment.FulfilAsync(new FulfilmentRequest(partner.PartnerId, "s-early"), default);
        Assert.Equal("cancelled", (await scenario.GetOrderAsync(partner, "s-early"))!.State);
        Assert.Equal(0, supplier.Submits);

        // Delivered, then refunded: the credit is upstream already, so ops are told to recover it.
        var late = await PayWithStripeAsync(scenario, partner, secret, sku, "s-late", 1, "13800000001");
        await fulfilment.FulfilAsync(new FulfilmentRequest(partner.PartnerId, "s-late"), default);
        Assert.Equal("delivered", (await scenario.GetOrderAsync(partner, "s-late"))!.State);
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(scenario, late, 3000)).StatusCode);
        Assert.Equal("refunded", (await scenario.GetOrderAsync(partner, "s-late"))!.State);
        await scenario.WaitForAlertAsync(partner.PartnerId, "s-late");
        Assert.Single(supplier.Ledger.Credited());
    }

    [Fact]
    public async Task A_redemption_refunded_while_its_call_is_in_flight_is_reconciled_first_and_never_submitted_again()
    {
        await using var supplier = await GenericRestSimulator.StartAsync("key");
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false, settings: new()
        {
            ["Suppliers:alpha:BaseUrl"] = supplier.BaseAddress.ToString(),
            ["Suppliers:alpha:ApiKey"] = "key",
        });
        var (partner, secret) = await StripePartnerAsync(scenario);
        var sku = "red-" + Guid.NewGuid().ToString("N")[..10];
        await scenario.Ops.SaveSkuAsync(sku, "Redeem 30", "redemption", 30m, "CNY", suppliers: ["alpha"], productCode: "p-30");
        var fulfilment = scenario.Service<OrderFulfilment>();
        supplier.Faults = new SupplierFaults { PendingThenFailed = 1, PendingMilliseconds = 200 };
        var paid = await PayWithStripeAsync(scenario, partner, secret, sku, "r-1", 1, "member-1");
        await fulfilment.FulfilAsync(new FulfilmentRequest(partner.PartnerId, "r-1"), default);
        Assert.Equal("reconciling", (await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "r-1")).Order.State);

        // Refunded while the supplier has the call: recorded, ops alerted, the call reconciled rather than abandoned.
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(scenario, paid, 3000)).StatusCode);
        await scenario.WaitForAlertAsync(partner.PartnerId, "r-1");
        await Scenario.EventuallyAsync(async () =>
        {
            // The query (pending until the simulator's pending time is over), then what follows a confirmed failure.
            await fulfilment.FulfilAsync(new FulfilmentRequest(partner.PartnerId, "r-1"), default);
            return (await scenario.GetOrderAsync(partner, "r-1"))!.State == "cancelled";
        }, "the redemption reconciled, then cancelled");
        Assert.Equal(1, supplier.Submits); // the redemption that failed was not submitted again for a buyer who has the money back
        Assert.Empty(supplier.Ledger.Credited());
    }

    [Fact]
    public async Task A_refund_for_a_payment_of_another_partner_or_none_changes_nothing()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var (partner, secret) = await StripePartnerAsync(scenario);
        var (other, otherSecret) = await StripePartnerAsync(scenario);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));
        var paid = await PayWithStripeAsync(scenario, other, otherSecret, sku, "o-1", 1);
        await scenario.WaitForStateAsync(other, "o-1", "delivered");

        // This partner's valid signature over a refund of the other partner's payment intent, and of an unknown one.
        var foreign = await RefundAsync(scenario, paid with { Partner = partner, Secret = secret }, 1000);
        var unknown = await RefundAsync(scenario, paid with { Partner = partner, Secret = secret, PaymentIntent = "pi_unknown000000000000000" }, 1000);

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (foreign.StatusCode, unknown.StatusCode));
        Assert.Equal("delivered", (await scenario.GetOrderAsync(other, "o-1"))!.State);
        Assert.Empty((await scenario.Ops.ListCompromisedKeysAsync(sku)).Keys);
    }
}
