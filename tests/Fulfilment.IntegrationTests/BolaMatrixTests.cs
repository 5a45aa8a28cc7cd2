using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// Broken object-level authorisation, every way we can think of: each partner endpoint asked with another partner's
/// ids, orders, continuation tokens, keys and webhook secrets, and with the ops key. No answer may carry the other
/// partner's data. The test also fails when a partner route is added without being covered here.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class BolaMatrixTests(StorageFixture storage)
{
    private static readonly string[] CoveredPartnerRoutes =
    [
        "partners/{partnerId}/orders", "partners/{partnerId}/orders/{orderId}", "partners/{partnerId}/redemptions", "partners/{partnerId}/redemptions/export",
        "webhooks/{partnerId}/payments", "webhooks/{partnerId}/stripe", "webhooks/{partnerId}/wechatpay", "webhooks/{partnerId}/alipay",
    ];

    [Fact]
    public async Task Every_partner_endpoint_refuses_another_partners_ids_orders_tokens_keys_and_secrets()
    {
        var metadata = FunctionAppMetadata.Load(AppContext.BaseDirectory);
        var partnerRoutes = metadata.Functions.Select(f => f.HttpTrigger?.Route).OfType<string>().Where(r => r.Contains("{partnerId}", StringComparison.Ordinal) && !r.StartsWith("ops/", StringComparison.Ordinal));
        Assert.Equal(CoveredPartnerRoutes.Order(), partnerRoutes.Order());

        await using var scenario = await Scenario.StartAsync(storage);
        var a = await scenario.NewPartnerAsync();
        var b = await scenario.NewPartnerAsync();
        var keys = Scenario.NewCardKeys(4);
        var sku = await scenario.NewCardKeySkuAsync(keys: keys);
        foreach (var (partner, orderId) in new[] { (a, "shared-1"), (a, "a-only"), (b, "shared-1"), (b, "b-only") })
        {
            (await scenario.PayAsync(partner, sku, orderId)).EnsureSuccessStatusCode();
            await scenario.WaitForStateAsync(partner, orderId, "delivered");
        }

        using var asA = scenario.App.CreateClient(a.ApiKey);
        using var asB = scenario.App.CreateClient(b.ApiKey);
        using var asOps = scenario.App.CreateClient(LocalApp.OpsKey);
        using var anonymous = scenario.App.CreateClient();
        var bKeys = (await scenario.GetOrderAsync(b, "shared-1"))!.Keys.Concat((await scenario.GetOrderAsync(b, "b-only"))!.Keys).Select(k => k.Code).ToList();
        var tokenOfB = await TokenAsync(asB, b.PartnerId);
        var tokenOfA = await TokenAsync(asA, a.PartnerId);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        string[] urlsOfB =
        [
            $"api/partners/{b.PartnerId}/orders/shared-1",
            $"api/partners/{b.PartnerId}/orders/b-only",
            $"api/partners/{b.PartnerId}/redemptions",
            $"api/partners/{b.PartnerId}/redemptions?pageSize=1&continuationToken={Uri.EscapeDataString(tokenOfB)}",
            $"api/partners/{b.PartnerId}/redemptions?pageSize=1&continuationToken={Uri.EscapeDataString(tokenOfA)}",
            $"api/partners/{b.PartnerId}/redemptions/export?day={today}",
        ];
        foreach (var url in urlsOfB)
        {
            await AssertNoDataAsync(asA, url, HttpStatusCode.NotFound, bKeys, "buyer-b-only");      // another partner's key
            await AssertNoDataAsync(asOps, url, HttpStatusCode.Unauthorized, bKeys, "buyer-b-only"); // the ops key is not a partner key
            await AssertNoDataAsync(anonymous, url, HttpStatusCode.Unauthorized, bKeys, "buyer-b-only");
        }

        // A's own routes with B's order or B's token.
        await AssertNoDataAsync(asA, $"api/partners/{a.PartnerId}/orders/b-only", HttpStatusCode.NotFound, bKeys, "buyer-b-only");
        await AssertNoDataAsync(asA, $"api/partners/{a.PartnerId}/redemptions?pageSize=1&continuationToken={Uri.EscapeDataString(tokenOfB)}",
            HttpStatusCode.BadRequest, bKeys, "buyer-b-only");

        // The same order id under both partners: each sees only its own.
        var sharedOfA = (await scenario.GetOrderAsync(a, "shared-1"))!;
        Assert.DoesNotContain(sharedOfA.Keys, k => bKeys.Contains(k.Code));
        var logOfA = await asA.GetStringAsync($"api/partners/{a.PartnerId}/redemptions?pageSize=1000");
        Assert.DoesNotContain("b-only", logOfA, StringComparison.Ordinal);
        Assert.Equal(2, JsonDocument.Parse(logOfA).RootElement.GetProperty("entries").GetArrayLength());
        var exportOfA = await asA.GetStringAsync($"api/partners/{a.PartnerId}/redemptions/export?day={today}");
        Assert.DoesNotContain("b-only", exportOfA, StringComparison.Ordinal);

        // Partner keys do not open ops endpoints.
        foreach (var url in new[] { "api/ops/skus", $"api/ops/partners/{a.PartnerId}/orders/a-only", "api/ops/poison" })
        {
            await AssertNoDataAsync(asA, url, HttpStatusCode.Unauthorized, bKeys, "buyer-b-only");
        }

        // A payment for B signed with A's secret is refused and writes nothing.
        var forged = await scenario.Webhooks.SendAsync(b.PartnerId, a.WebhookSecret, new PaymentData("forged-1", sku, 1, 10m, "CNY", "mallory"));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Null(await scenario.GetOrderAsync(b, "forged-1"));

        // Opening an order under B: only B's key may.
        var opening = $$"""{"orderId":"opened-by-a","sku":"{{sku}}","quantity":1,"buyerReference":"mallory"}""";
        foreach (var (client, expected) in new[] { (asA, HttpStatusCode.NotFound), (asOps, HttpStatusCode.Unauthorized), (anonymous, HttpStatusCode.Unauthorized) })
        {
            using var response = await client.PostAsync($"api/partners/{b.PartnerId}/orders", new StringContent(opening, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(expected, response.StatusCode);
        }

        Assert.Null(await scenario.GetOrderAsync(b, "opened-by-a"));

        // Stripe: A's endpoint secret on B's route verifies nothing; A's valid signature naming B's opened order pays nothing.
        var stripeOfA = StripeEventSender.NewEndpointSecret();
        await scenario.Ops.AddPaymentCredentialAsync(a.PartnerId, new PaymentCredentialRequest("stripe", EndpointSecret: stripeOfA));
        await scenario.Ops.AddPaymentCredentialAsync(b.PartnerId, new PaymentCredentialRequest("stripe", EndpointSecret: StripeEventSender.NewEndpointSecret()));
        var openedOfB = (await scenario.OpenOrderAsync(b, new OpenOrderRequest("b-opened", sku, 1, "buyer-b-only"))).Order!;
        var payingB = StripeEventSender.CheckoutSessionEvent(StripeEventSender.NewId("evt"), StripeEventSender.NewId("pi"), openedOfB.PaymentReference, 1000, "cny");
        Assert.Equal(HttpStatusCode.Unauthorized, (await scenario.Stripe.SendAsync(b.PartnerId, stripeOfA, payingB)).StatusCode);
        using var misdirected = await scenario.Stripe.SendAsync(a.PartnerId, stripeOfA, payingB);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, misdirected.StatusCode);
        Assert.DoesNotContain("buyer-b-only", await misdirected.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("opened", (await scenario.GetOrderAsync(b, "b-opened"))!.State);

        // WeChat Pay: A's platform key on B's route is an unknown serial; A's valid notification naming B's order pays nothing.
        using var wechatOfA = new WeChatPayPlatform();
        await scenario.Ops.AddPaymentCredentialAsync(a.PartnerId, new PaymentCredentialRequest(
            "wechatpay", MerchantId: wechatOfA.MerchantId, ApiV3Key: wechatOfA.ApiV3Key, PublicKeySerial: wechatOfA.Serial, PublicKey: wechatOfA.PublicKeyPem));
        var wechatPayingB = wechatOfA.Notification(wechatOfA.Transaction(openedOfB.PaymentReference!, 1000));
        Assert.Equal(HttpStatusCode.Unauthorized, (await WeChatPayPlatform.SendAsync(scenario.Http, b.PartnerId, wechatPayingB, wechatOfA.Headers(wechatPayingB))).StatusCode);
        using var wechatMisdirected = await WeChatPayPlatform.SendAsync(scenario.Http, a.PartnerId, wechatPayingB, wechatOfA.Headers(wechatPayingB));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wechatMisdirected.StatusCode);
        Assert.Equal("opened", (await scenario.GetOrderAsync(b, "b-opened"))!.State);

        // Alipay: A's Alipay key on B's route verifies nothing; A's valid notification naming B's order pays nothing.
        using var alipayOfA = new AlipayPlatform();
        await scenario.Ops.AddPaymentCredentialAsync(a.PartnerId, new PaymentCredentialRequest("alipay", AppId: alipayOfA.AppId, SellerId: alipayOfA.SellerId, PublicKey: alipayOfA.PublicKey));
        var alipayPayingB = alipayOfA.Form(alipayOfA.TradeNotification(openedOfB.PaymentReference!, 10m));
        Assert.Equal(HttpStatusCode.Unauthorized, (await AlipayPlatform.SendAsync(scenario.Http, b.PartnerId, alipayPayingB)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AlipayPlatform.SendAsync(scenario.Http, a.PartnerId, alipayPayingB)).StatusCode);
        Assert.Equal("opened", (await scenario.GetOrderAsync(b, "b-opened"))!.State);
    }

    private static async Task<string> TokenAsync(HttpClient client, string partnerId)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"api/partners/{partnerId}/redemptions?pageSize=1");
        return page.GetProperty("continuationToken").GetString()!;
    }

    private static async Task AssertNoDataAsync(HttpClient client, string url, HttpStatusCode expected, IEnumerable<string> secrets, string otherPartnersBuyer)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"GET {url}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
        Assert.False(body.Contains(otherPartnersBuyer, StringComparison.Ordinal), $"GET {url} answered {body}");
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, body, StringComparison.Ordinal));
        Assert.DoesNotContain("\"entries\"", body, StringComparison.Ordinal);
    }
}
