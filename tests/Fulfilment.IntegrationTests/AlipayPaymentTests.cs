using System.Net;
using Fulfilment.Contract;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>Alipay asynchronous notifications, end to end: through the app on Azurite, signed as Alipay does with a key made here.</summary>
[Collection(StorageCollection.Name)]
public sealed class AlipayPaymentTests(StorageFixture storage)
{
    [Fact]
    public async Task A_successful_trade_pays_the_opened_order_once_and_success_is_said_only_then()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        using var alipay = new AlipayPlatform();
        var partner = await NewAlipayPartnerAsync(scenario, alipay);
        var sku = await scenario.NewCardKeySkuAsync(unitPrice: 12.5m, keys: Scenario.NewCardKeys(3));
        var opened = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("a-1", sku, 2, "buyer-1"))).Order!;
        var trade = alipay.TradeNotification(opened.PaymentReference!, opened.Amount);
        var form = alipay.Form(trade);

        var storm = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => AlipayPlatform.SendAsync(scenario.Http, partner.PartnerId, form)));
        foreach (var response in storm)
        {
            Assert.Equal((HttpStatusCode.OK, "success"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        var delivered = await scenario.WaitForStateAsync(partner, "a-1", "delivered");
        Assert.Equal(2, delivered.Keys.Count);

        // Later: the same notification again, and TRADE_FINISHED for the same trade.
        var finished = alipay.Form(new Dictionary<string, string>(trade) { ["trade_status"] = "TRADE_FINISHED", ["notify_id"] = "finished-1" });
        Assert.Equal("success", await (await AlipayPlatform.SendAsync(scenario.Http, partner.PartnerId, form)).Content.ReadAsStringAsync());
        Assert.Equal("success", await (await AlipayPlatform.SendAsync(scenario.Http, partner.PartnerId, finished)).Content.ReadAsStringAsync());
        await scenario.WaitForStockAsync(sku, (1, 0, 2));

        var trace = await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "a-1");
        Assert.Equal(["opened", "paid", "delivered"], trace.Trace.Where(e => e.Kind == OrderTraceEvent.StateKind).Select(e => e.State).Distinct());
        Assert.Equal(("alipay", trade["trade_no"]), (trace.Order.PaymentProvider, trace.Order.PaymentId));
    }

    [Fact]
    public async Task A_full_refund_of_a_delivered_order_marks_it_refunded_and_its_keys_compromised()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        using var alipay = new AlipayPlatform();
        var partner = await NewAlipayPartnerAsync(scenario, alipay);
        var sku = await scenario.NewCardKeySkuAsync(unitPrice: 10m, keys: Scenario.NewCardKeys(2));
        var opened = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("ar-1", sku, 2, "buyer-1"))).Order!;
        var trade = alipay.TradeNotification(opened.PaymentReference!, opened.Amount);
        Assert.Equal("success", await (await AlipayPlatform.SendAsync(scenario.Http, partner.PartnerId, alipay.Form(trade))).Content.ReadAsStringAsync());
        var delivered = await scenario.WaitForStateAsync(partner, "ar-1", "delivered");

        // Alipay tells a full refund as TRADE_CLOSED with refund_fee: everything refunded of the trade so far.
        var refund = alipay.Form(new Dictionary<string, string>(trade)
        {
            ["trade_status"] = "TRADE_CLOSED", ["refund_fee"] = "20.00", ["gmt_refund"] = "2026-11-24 10:00:00.000", ["out_biz_no"] = "refund-1", ["notify_id"] = "refund-notify-1",
        });
        foreach (var _ in new[] { 1, 2 })
        {
            Assert.Equal("success", await (await AlipayPlatform.SendAsync(scenario.Http, partner.PartnerId, refund)).Content.ReadAsStringAsync());
        }

        Assert.Equal(("refunded", "payment_refunded"), ((await scenario.GetOrderAsync(partner, "ar-1"))!.State, (await scenario.GetOrderAsync(partner, "ar-1"))!.ReasonCode));
        Assert.Equal(delivered.Keys.Select(k => k.KeyId).Order(), (await scenario.Ops.ListCompromisedKeysAsync(sku)).Keys.Select(k => k.KeyId).Order());
    }

    public static TheoryData<string, HttpStatusCode, string> Refusals() => new()
    {
        { "bad-signature", HttpStatusCode.Unauthorized, "invalid_signature" },
        { "wrong-app-id", HttpStatusCode.BadRequest, "app_mismatch" },
        { "wrong-seller-id", HttpStatusCode.BadRequest, "seller_mismatch" },
        { "unknown-reference", HttpStatusCode.UnprocessableEntity, "unknown_order" },
        { "another-partners-reference", HttpStatusCode.UnprocessableEntity, "unknown_order" },
        { "amount-mismatch", HttpStatusCode.UnprocessableEntity, "amount_mismatch" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_notification_that_cannot_pay_the_order_is_not_told_success_and_changes_nothing(string name, HttpStatusCode expected, string code)
    {
        await using var scenario = await Scenario.StartAsync(storage);
        using var alipay = new AlipayPlatform();
        using var otherAlipay = new AlipayPlatform();
        var partner = await NewAlipayPartnerAsync(scenario, alipay);
        var other = await NewAlipayPartnerAsync(scenario, otherAlipay);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
        var mine = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("m-1", sku, 1, "b"))).Order!;
        var theirs = (await scenario.OpenOrderAsync(other, new OpenOrderRequest("t-1", sku, 1, "b"))).Order!;
        using var stranger = System.Security.Cryptography.RSA.Create(2048);

        var form = name switch
        {
            "bad-signature" => alipay.Form(alipay.TradeNotification(mine.PaymentReference!, 10m), stranger),
            "wrong-app-id" => alipay.Form(new Dictionary<string, string>(alipay.TradeNotification(mine.PaymentReference!, 10m)) { ["app_id"] = otherAlipay.AppId }),
            "wrong-seller-id" => alipay.Form(new Dictionary<string, string>(alipay.TradeNotification(mine.PaymentReference!, 10m)) { ["seller_id"] = otherAlipay.SellerId }),
            "unknown-reference" => alipay.Form(alipay.TradeNotification("f" + new string('0', 31), 10m)),
            "another-partners-reference" => alipay.Form(alipay.TradeNotification(theirs.PaymentReference!, 10m)),
            "amount-mismatch" => alipay.Form(alipay.TradeNotification(mine.PaymentReference!, 9.99m)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var response = await AlipayPlatform.SendAsync(scenario.Http, partner.PartnerId, form);

        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{name}: {(int)response.StatusCode} {answer}");
        Assert.Equal("fail " + code, answer);
        await scenario.AssertStillOpenedAsync((partner, "m-1"), (other, "t-1"));

        await scenario.WaitForStockAsync(sku, (2, 0, 0));
    }

    private static async Task<CreatedPartner> NewAlipayPartnerAsync(Scenario scenario, AlipayPlatform alipay)
    {
        var partner = await scenario.NewPartnerAsync();
        await scenario.Ops.AddPaymentCredentialAsync(partner.PartnerId,
            new PaymentCredentialRequest("alipay", AppId: alipay.AppId, SellerId: alipay.SellerId, PublicKey: alipay.PublicKey));
        return partner;
    }
}
