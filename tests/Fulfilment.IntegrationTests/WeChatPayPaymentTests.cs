using System.Net;
using System.Text.Json;
using Fulfilment.Contract;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>WeChat Pay API v3 notifications, end to end: through the app on Azurite, built and signed as WeChat Pay does with keys made here.</summary>
[Collection(StorageCollection.Name)]
public sealed class WeChatPayPaymentTests(StorageFixture storage)
{
    [Fact]
    public async Task A_successful_transaction_pays_the_opened_order_once_however_often_it_is_delivered()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        using var wechat = new WeChatPayPlatform();
        var partner = await NewWeChatPayPartnerAsync(scenario, wechat);
        var sku = await scenario.NewCardKeySkuAsync(unitPrice: 12.5m, keys: Scenario.NewCardKeys(3));
        var opened = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("w-1", sku, 2, "buyer-1"))).Order!;
        var transaction = wechat.Transaction(opened.PaymentReference!, opened.AmountInMinorUnits);
        var body = wechat.Notification(transaction);

        // The same notification twenty times at once, each signed anew as WeChat Pay's retries are.
        var storm = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => WeChatPayPlatform.SendAsync(scenario.Http, partner.PartnerId, body, wechat.Headers(body))));
        Assert.All(storm, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        var delivered = await scenario.WaitForStateAsync(partner, "w-1", "delivered");
        Assert.Equal(2, delivered.Keys.Count);

        // Later, a second notification of the same transaction (another notification id): a duplicate.
        var again = wechat.Notification(transaction);
        Assert.Equal(HttpStatusCode.NoContent, (await WeChatPayPlatform.SendAsync(scenario.Http, partner.PartnerId, again, wechat.Headers(again))).StatusCode);
        await scenario.WaitForStockAsync(sku, (1, 0, 2));

        var trace = await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "w-1");
        Assert.Equal(["opened", "paid", "delivered"], trace.Trace.Where(e => e.Kind == OrderTraceEvent.StateKind).Select(e => e.State).Distinct());
        Assert.Equal(("wechatpay", transaction["transaction_id"]!.GetValue<string>()), (trace.Order.PaymentProvider, trace.Order.PaymentId));
        Assert.DoesNotContain(wechat.ApiV3Key, string.Join("\n", scenario.Logs.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refunds_of_a_delivered_order_add_up_to_the_refunded_quantity_and_flag_as_many_keys()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        using var wechat = new WeChatPayPlatform();
        var partner = await NewWeChatPayPartnerAsync(scenario, wechat);
        var sku = await scenario.NewCardKeySkuAsync(unitPrice: 10m, keys: Scenario.NewCardKeys(3));
        var opened = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("wr-1", sku, 3, "buyer-1"))).Order!;
        var transaction = wechat.Transaction(opened.PaymentReference!, opened.AmountInMinorUnits);
        var paid = wechat.Notification(transaction);
        Assert.Equal(HttpStatusCode.NoContent, (await WeChatPayPlatform.SendAsync(scenario.Http, partner.PartnerId, paid, wechat.Headers(paid))).StatusCode);
        await scenario.WaitForStateAsync(partner, "wr-1", "delivered");

        // Two refunds of 10.00 each (WeChat Pay tells each refund's own amount), the first one told twice.
        var transactionId = transaction["transaction_id"]!.GetValue<string>();
        var first = wechat.Notification(wechat.Refund(opened.PaymentReference!, transactionId, 1000, 3000, "refund-a"), "REFUND.SUCCESS", "refund");
        var second = wechat.Notification(wechat.Refund(opened.PaymentReference!, transactionId, 1000, 3000, "refund-b"), "REFUND.SUCCESS", "refund");
        foreach (var body in new[] { first, first, second })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await WeChatPayPlatform.SendAsync(scenario.Http, partner.PartnerId, body, wechat.Headers(body))).StatusCode);
        }

        var trace = await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "wr-1");
        Assert.Equal("refunded", trace.Order.State);
        Assert.Equal(2, (await scenario.Ops.ListCompromisedKeysAsync(sku)).Keys.Count); // 20.00 of 30.00: two of three units
        await scenario.WaitForStockAsync(sku, (0, 0, 3));
    }

    public static TheoryData<string, HttpStatusCode, string> Refusals() => new()
    {
        { "bad-signature", HttpStatusCode.Unauthorized, "invalid_signature" },
        { "signature-probe", HttpStatusCode.Unauthorized, "signature_probe" },
        { "stale", HttpStatusCode.Unauthorized, "stale_timestamp" },
        { "unknown-serial", HttpStatusCode.Unauthorized, "unknown_serial" },
        { "wrong-apiv3-key", HttpStatusCode.BadRequest, "undecryptable_resource" },
        { "unknown-reference", HttpStatusCode.UnprocessableEntity, "unknown_order" },
        { "another-partners-reference", HttpStatusCode.UnprocessableEntity, "unknown_order" },
        { "amount-mismatch", HttpStatusCode.UnprocessableEntity, "amount_mismatch" },
        { "currency-mismatch", HttpStatusCode.UnprocessableEntity, "amount_mismatch" },
        { "other-merchant", HttpStatusCode.BadRequest, "merchant_mismatch" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_notification_that_cannot_pay_the_order_fails_as_WeChat_Pay_expects_and_changes_nothing(string name, HttpStatusCode expected, string code)
    {
        await using var scenario = await Scenario.StartAsync(storage);
        using var wechat = new WeChatPayPlatform();
        using var otherWechat = new WeChatPayPlatform();
        var partner = await NewWeChatPayPartnerAsync(scenario, wechat);
        var other = await NewWeChatPayPartnerAsync(scenario, otherWechat);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
        var mine = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("m-1", sku, 1, "b"))).Order!;
        var theirs = (await scenario.OpenOrderAsync(other, new OpenOrderRequest("t-1", sku, 1, "b"))).Order!;
        var paying = wechat.Notification(wechat.Transaction(mine.PaymentReference!, 1000));

        var (body, headers) = name switch
        {
            "bad-signature" => (paying, With(wechat.Headers(paying), "Wechatpay-Signature", Convert.ToBase64String(new byte[256]))),
            "signature-probe" => (paying, With(wechat.Headers(paying), "Wechatpay-Signature", "WECHATPAY/SIGNTEST/" + Convert.ToBase64String(new byte[256]))),
            "stale" => (paying, wechat.Headers(paying, DateTimeOffset.UtcNow.AddMinutes(-6))),
            "unknown-serial" => (paying, wechat.Headers(paying, serial: "PUB_KEY_ID_UNKNOWN")),
            "wrong-apiv3-key" => Signed(wechat, wechat.Notification(wechat.Transaction(mine.PaymentReference!, 1000), apiV3Key: otherWechat.ApiV3Key)),
            "unknown-reference" => Signed(wechat, wechat.Notification(wechat.Transaction("f" + new string('0', 31), 1000))),
            "another-partners-reference" => Signed(wechat, wechat.Notification(wechat.Transaction(theirs.PaymentReference!, 1000))),
            "amount-mismatch" => Signed(wechat, wechat.Notification(wechat.Transaction(mine.PaymentReference!, 999))),
            "currency-mismatch" => Signed(wechat, wechat.Notification(wechat.Transaction(mine.PaymentReference!, 1000, currency: "USD"))),
            "other-merchant" => Signed(wechat, wechat.Notification(wechat.Transaction(mine.PaymentReference!, 1000, merchantId: "1900000001"))),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var response = await WeChatPayPlatform.SendAsync(scenario.Http, partner.PartnerId, body, headers);

        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{name}: {(int)response.StatusCode} {answer}");
        var failure = JsonSerializer.Deserialize<WeChatPayFailure>(answer, ContractJson.Strict)!;
        Assert.Equal("FAIL", failure.Code);
        Assert.StartsWith(code + ":", failure.Message, StringComparison.Ordinal);
        await scenario.AssertStillOpenedAsync((partner, "m-1"), (other, "t-1"));

        await scenario.WaitForStockAsync(sku, (2, 0, 0));
        if (name.EndsWith("mismatch", StringComparison.Ordinal) && name != "other-merchant")
        {
            await scenario.WaitForAlertAsync(partner.PartnerId, "m-1");
        }
    }

    private static (string Body, IReadOnlyDictionary<string, string> Headers) Signed(WeChatPayPlatform wechat, string body) => (body, wechat.Headers(body));

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> headers, string name, string value) =>
        new(headers) { [name] = value };

    private static async Task<CreatedPartner> NewWeChatPayPartnerAsync(Scenario scenario, WeChatPayPlatform wechat)
    {
        var partner = await scenario.NewPartnerAsync();
        await scenario.Ops.AddPaymentCredentialAsync(partner.PartnerId, new PaymentCredentialRequest(
            "wechatpay", MerchantId: wechat.MerchantId, ApiV3Key: wechat.ApiV3Key, PublicKeySerial: wechat.Serial, PublicKey: wechat.PublicKeyPem));
        return partner;
    }
}
