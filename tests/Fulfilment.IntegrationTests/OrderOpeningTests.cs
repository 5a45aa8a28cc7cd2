using System.Net;
using System.Text.Json;
using Fulfilment.Contract;

namespace Fulfilment.IntegrationTests;

/// <summary>Orders opened before payment: what the partner is told to charge, idempotency on its order id, strict bodies, and the payment that makes them paid.</summary>
[Collection(StorageCollection.Name)]
public sealed class OrderOpeningTests(StorageFixture storage)
{
    [Fact]
    public async Task An_opened_order_says_what_to_charge_and_waits_for_payment_then_a_payment_delivers_it()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(unitPrice: 12.5m, keys: Scenario.NewCardKeys(3));
        var before = DateTimeOffset.UtcNow;

        var (status, opened, _) = await scenario.OpenOrderAsync(partner, new OpenOrderRequest("o-1", sku, 2, "buyer-1"));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("o-1", "opened", 25.00m, "CNY", 2500L), (opened!.OrderId, opened.State, opened.Amount, opened.Currency, opened.AmountInMinorUnits));
        Assert.Matches("^f[0-9a-f]{31}$", opened.PaymentReference);
        Assert.InRange(opened.ExpiresAt!.Value, before.AddMinutes(15).AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(15).AddSeconds(5));

        // Before payment the partner reads it, and nothing is fulfilled.
        using var client = scenario.App.CreateClient(partner.ApiKey);
        var read = JsonSerializer.Deserialize<Fulfilment.Contract.PartnerOrder>(
            await client.GetStringAsync($"api/partners/{partner.PartnerId}/orders/o-1"), ContractJson.Strict)!;
        Assert.Equal(("opened", "awaiting_payment", (DateTimeOffset?)null, opened.PaymentReference), (read.State, read.ReasonCode, read.PaidAt, read.PaymentReference));
        await scenario.WaitForStockAsync(sku, (3, 0, 0));

        // The same request again is the same order; another request under its id is a conflict.
        var again = await scenario.OpenOrderAsync(partner, new OpenOrderRequest("o-1", sku, 2, "buyer-1"));
        Assert.Equal((HttpStatusCode.OK, opened.PaymentReference, opened.ExpiresAt), (again.Status, again.Order!.PaymentReference, again.Order.ExpiresAt));
        var other = await scenario.OpenOrderAsync(partner, new OpenOrderRequest("o-1", sku, 1, "buyer-1"));
        Assert.Equal(HttpStatusCode.Conflict, other.Status);
        Assert.Contains("order_conflict", other.Body);

        // A Standard Webhooks payment of the same purchase pays it: delivered once, its story opened → paid → delivered.
        var paid = await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData("o-1", sku, 2, 25m, "CNY", "buyer-1"), "msg-pay-1");
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        var delivered = await scenario.WaitForStateAsync(partner, "o-1", "delivered");
        Assert.Equal(2, delivered.Keys.Count);
        var duplicate = await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData("o-1", sku, 2, 25m, "CNY", "buyer-1"), "msg-pay-2");
        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        await scenario.WaitForStockAsync(sku, (1, 0, 2));

        var trace = await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "o-1");
        var states = trace.Trace.Where(e => e.Kind == OrderTraceEvent.StateKind).Select(e => e.State).Distinct().ToList();
        Assert.Equal(["opened", "paid", "delivered"], states);
        Assert.Equal(("standard-webhooks", "msg-pay-1"), (trace.Order.PaymentProvider, trace.Order.PaymentId));
        Assert.NotNull(trace.Order.OpenedAt);
        Assert.NotNull(trace.Order.PaidAt);
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadOpenings() => new()
    {
        { "not-json", "{\"orderId\": ", HttpStatusCode.BadRequest, "invalid_order" },
        { "array", "[]", HttpStatusCode.BadRequest, "invalid_order" },
        { "duplicate-field", """{"orderId":"x","orderId":"y","sku":"$sku","quantity":1,"buyerReference":"b"}""", HttpStatusCode.BadRequest, "invalid_order" },
        { "unknown-field", """{"orderId":"x","sku":"$sku","quantity":1,"buyerReference":"b","amount":1}""", HttpStatusCode.BadRequest, "invalid_order" },
        { "quantity-as-string", """{"orderId":"x","sku":"$sku","quantity":"1","buyerReference":"b"}""", HttpStatusCode.BadRequest, "invalid_order" },
        { "quantity-zero", """{"orderId":"x","sku":"$sku","quantity":0,"buyerReference":"b"}""", HttpStatusCode.BadRequest, "invalid_order" },
        { "quantity-fraction", """{"orderId":"x","sku":"$sku","quantity":1.5,"buyerReference":"b"}""", HttpStatusCode.BadRequest, "invalid_order" },
        { "bad-order-id", """{"orderId":"a/b","sku":"$sku","quantity":1,"buyerReference":"b"}""", HttpStatusCode.BadRequest, "invalid_order" },
        { "control-character", """{"orderId":"x","sku":"$sku","quantity":1,"buyerReference":"b\u0000"}""", HttpStatusCode.BadRequest, "invalid_order" },
        { "bad-buyer-email", """{"orderId":"x","sku":"$sku","quantity":1,"buyerReference":"b","buyerEmail":"nobody"}""", HttpStatusCode.BadRequest, "invalid_order" },
        { "risk-score-out-of-range", """{"orderId":"x","sku":"$sku","quantity":1,"buyerReference":"b","riskScore":101}""", HttpStatusCode.BadRequest, "invalid_order" },
        { "unknown-sku", """{"orderId":"x","sku":"no-such-sku","quantity":1,"buyerReference":"b"}""", HttpStatusCode.UnprocessableEntity, "unknown_sku" },
        { "top-up-without-account", """{"orderId":"x","sku":"$topup","quantity":1,"buyerReference":"b"}""", HttpStatusCode.UnprocessableEntity, "target_account_required" },
    };

    [Theory]
    [MemberData(nameof(BadOpenings))]
    public async Task A_bad_opening_is_refused_with_a_clear_error_and_writes_nothing(string name, string body, HttpStatusCode expected, string code)
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false, settings: new()
        {
            ["Suppliers:alpha:BaseUrl"] = "http://127.0.0.1:9/", // never called: nothing is paid
            ["Suppliers:alpha:ApiKey"] = "key",
        });
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        var topUp = "topup-" + Guid.NewGuid().ToString("N")[..8];
        await scenario.Ops.SaveSkuAsync(topUp, "Top-up", "direct-top-up", 10m, "CNY", ["alpha"], "P1");

        var (status, _, answer) = await scenario.OpenOrderAsync(partner, body.Replace("$sku", sku).Replace("$topup", topUp));

        Assert.True(expected == status, $"{name}: {status} {answer}");
        Assert.Equal(code, JsonDocument.Parse(answer).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Null(await scenario.GetOrderAsync(partner, "x"));
    }

    [Fact]
    public async Task Another_partners_key_cannot_open_or_read_an_order_under_this_partner()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var other = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        Assert.Equal(HttpStatusCode.Created, (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("mine", sku, 1, "b"))).Status);

        using var intruder = scenario.App.CreateClient(other.ApiKey);
        var open = await intruder.PostAsync($"api/partners/{partner.PartnerId}/orders",
            new StringContent($$"""{"orderId":"theirs","sku":"{{sku}}","quantity":1,"buyerReference":"b"}""", System.Text.Encoding.UTF8, "application/json"));
        var read = await intruder.GetAsync($"api/partners/{partner.PartnerId}/orders/mine");

        Assert.Contains(open.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.NotFound });
        Assert.Contains(read.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.NotFound });
        Assert.Null(await scenario.GetOrderAsync(partner, "theirs"));
        Assert.Null(await scenario.GetOrderAsync(other, "mine"));
    }
}
