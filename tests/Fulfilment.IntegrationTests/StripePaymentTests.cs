using System.Net;
using System.Text.Json;
using Fulfilment.Contract;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>Stripe's own webhook events, end to end: through the app, on Azurite, signed by Stripe.net with the partner's endpoint secret.</summary>
[Collection(StorageCollection.Name)]
public sealed class StripePaymentTests(StorageFixture storage)
{
    [Fact]
    public async Task A_paid_checkout_pays_the_opened_order_once_however_often_and_in_whatever_form_it_is_delivered()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var (partner, secret) = await NewStripePartnerAsync(scenario);
        var sku = await scenario.NewCardKeySkuAsync(unitPrice: 12.5m, keys: Scenario.NewCardKeys(3));
        var opened = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("s-1", sku, 2, "buyer-1"))).Order!;
        var paymentIntent = StripeEventSender.NewId("pi");
        var session = StripeEventSender.CheckoutSessionEvent(StripeEventSender.NewId("evt"), paymentIntent, opened.PaymentReference, opened.AmountInMinorUnits, "cny");

        // The same event twenty times at once: every answer is success, one order is paid.
        var storm = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => scenario.Stripe.SendAsync(partner.PartnerId, secret, session)));
        Assert.All(storm, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var answers = await Task.WhenAll(storm.Select(async r => JsonSerializer.Deserialize<PaymentAccepted>(await r.Content.ReadAsStringAsync(), ContractJson.Strict)!));
        Assert.Single(answers, a => !a.Duplicate);
        var delivered = await scenario.WaitForStateAsync(partner, "s-1", "delivered");
        Assert.Equal(2, delivered.Keys.Count);

        // Again later, and the payment intent's own event for the same payment: duplicates.
        var later = await scenario.Stripe.SendAsync(partner.PartnerId, secret, session);
        var intent = await scenario.Stripe.SendAsync(partner.PartnerId, secret,
            StripeEventSender.PaymentIntentSucceededEvent(StripeEventSender.NewId("evt"), paymentIntent, opened.PaymentReference, opened.AmountInMinorUnits, "cny"));
        Assert.True(JsonSerializer.Deserialize<PaymentAccepted>(await later.Content.ReadAsStringAsync(), ContractJson.Strict)!.Duplicate);
        Assert.True(JsonSerializer.Deserialize<PaymentAccepted>(await intent.Content.ReadAsStringAsync(), ContractJson.Strict)!.Duplicate);
        await scenario.WaitForStockAsync(sku, (1, 0, 2));

        var trace = await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "s-1");
        Assert.Equal(["opened", "paid", "delivered"], trace.Trace.Where(e => e.Kind == OrderTraceEvent.StateKind).Select(e => e.State).Distinct());
        Assert.Equal(("stripe", paymentIntent), (trace.Order.PaymentProvider, trace.Order.PaymentId));
        Assert.DoesNotContain(secret, string.Join("\n", scenario.Logs.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payment_that_cannot_be_written_is_not_answered_success_and_Stripes_retry_pays_it_once()
    {
        var outage = new TableOutage("Orders"); // the order book and the open-orders index
        await using var scenario = await Scenario.StartAsync(storage, replaceServices: outage.InTablesOf(storage.ConnectionString));
        var (partner, secret) = await NewStripePartnerAsync(scenario);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
        var opened = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("down-1", sku, 1, "b"))).Order!;
        var session = StripeEventSender.CheckoutSessionEvent(StripeEventSender.NewId("evt"), StripeEventSender.NewId("pi"), opened.PaymentReference, 1000, "cny");

        outage.Begin();
        var during = await scenario.Stripe.SendAsync(partner.PartnerId, secret, session);
        outage.End();

        Assert.False(during.IsSuccessStatusCode, $"{(int)during.StatusCode}: Stripe must retry a payment that was not written");
        Assert.True(outage.Refused > 0);
        await scenario.AssertStillOpenedAsync((partner, "down-1"));
        Assert.Equal(HttpStatusCode.OK, (await scenario.Stripe.SendAsync(partner.PartnerId, secret, session)).StatusCode);
        await scenario.WaitForStateAsync(partner, "down-1", "delivered");
        await scenario.WaitForStockAsync(sku, (1, 0, 1));
    }

    public static TheoryData<string, HttpStatusCode, string> Refusals() => new()
    {
        { "wrong-secret", HttpStatusCode.Unauthorized, "invalid_signature" },
        { "stale", HttpStatusCode.Unauthorized, "stale_timestamp" },
        { "unknown-partner", HttpStatusCode.Unauthorized, "invalid_signature" },
        { "unknown-reference", HttpStatusCode.UnprocessableEntity, "unknown_order" },
        { "another-partners-reference", HttpStatusCode.UnprocessableEntity, "unknown_order" },
        { "amount-mismatch", HttpStatusCode.UnprocessableEntity, "amount_mismatch" },
        { "currency-mismatch", HttpStatusCode.UnprocessableEntity, "amount_mismatch" },
        { "no-reference", HttpStatusCode.BadRequest, "invalid_payload" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_notification_that_cannot_pay_the_order_is_answered_as_a_failure_and_changes_nothing(string name, HttpStatusCode expected, string code)
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var (partner, secret) = await NewStripePartnerAsync(scenario);
        var (other, otherSecret) = await NewStripePartnerAsync(scenario);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
        var mine = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("m-1", sku, 1, "b"))).Order!;
        var theirs = (await scenario.OpenOrderAsync(other, new OpenOrderRequest("t-1", sku, 1, "b"))).Order!;
        string Session(string? reference, long amount = 1000, string currency = "cny") =>
            StripeEventSender.CheckoutSessionEvent(StripeEventSender.NewId("evt"), StripeEventSender.NewId("pi"), reference, amount, currency);

        var response = name switch
        {
            "wrong-secret" => await scenario.Stripe.SendAsync(partner.PartnerId, StripeEventSender.NewEndpointSecret(), Session(mine.PaymentReference)),
            "stale" => await scenario.Stripe.SendAsync(partner.PartnerId, secret, Session(mine.PaymentReference), DateTimeOffset.UtcNow.AddMinutes(-6)),
            "unknown-partner" => await scenario.Stripe.SendAsync("no-such-partner", secret, Session(mine.PaymentReference)),
            "unknown-reference" => await scenario.Stripe.SendAsync(partner.PartnerId, secret, Session("f" + new string('0', 31))),
            // A valid signature of this partner naming the other partner's order.
            "another-partners-reference" => await scenario.Stripe.SendAsync(partner.PartnerId, secret, Session(theirs.PaymentReference)),
            "amount-mismatch" => await scenario.Stripe.SendAsync(partner.PartnerId, secret, Session(mine.PaymentReference, amount: 999)),
            "currency-mismatch" => await scenario.Stripe.SendAsync(partner.PartnerId, secret, Session(mine.PaymentReference, currency: "usd")),
            "no-reference" => await scenario.Stripe.SendAsync(partner.PartnerId, secret, Session(null)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{name}: {(int)response.StatusCode} {body}");
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
        await scenario.AssertStillOpenedAsync((partner, "m-1"), (other, "t-1"));

        await scenario.WaitForStockAsync(sku, (2, 0, 0));
        if (name.EndsWith("mismatch", StringComparison.Ordinal))
        {
            // Money was taken that pays for nothing: the order says so, and ops are alerted to refund it.
            Assert.Contains("does not match", (await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "m-1")).Order.StateReason);
            await scenario.WaitForAlertAsync(partner.PartnerId, "m-1");
        }

        _ = otherSecret;
    }

    [Fact]
    public async Task Endpoint_secrets_rotate_and_are_never_shown_again()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var (partner, oldSecret) = await NewStripePartnerAsync(scenario);
        var newSecret = StripeEventSender.NewEndpointSecret();
        var added = await scenario.Ops.AddPaymentCredentialAsync(partner.PartnerId, new PaymentCredentialRequest("stripe", EndpointSecret: newSecret));
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
        var first = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("r-1", sku, 1, "b"))).Order!;
        var second = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("r-2", sku, 1, "b"))).Order!;

        // Both verify while both are active; once the old one retires, only the new one does.
        Assert.Equal(HttpStatusCode.OK, (await scenario.Stripe.SendAsync(partner.PartnerId, oldSecret,
            StripeEventSender.CheckoutSessionEvent(StripeEventSender.NewId("evt"), StripeEventSender.NewId("pi"), first.PaymentReference, 1000, "cny"))).StatusCode);
        var list = await scenario.Ops.ListCredentialsAsync(partner.PartnerId);
        var old = list.PaymentCredentials.Single(c => c.CredentialId != added.CredentialId);
        await scenario.Ops.RetirePaymentCredentialAsync(partner.PartnerId, old.CredentialId, overlapMinutes: 0);
        var secondSession = StripeEventSender.CheckoutSessionEvent(StripeEventSender.NewId("evt"), StripeEventSender.NewId("pi"), second.PaymentReference, 1000, "cny");
        await Scenario.EventuallyAsync(async () =>
            (await scenario.Stripe.SendAsync(partner.PartnerId, oldSecret, secondSession)).StatusCode == HttpStatusCode.Unauthorized, "the retired secret refused");
        Assert.Equal(HttpStatusCode.OK, (await scenario.Stripe.SendAsync(partner.PartnerId, newSecret, secondSession)).StatusCode);

        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);
        var listed = await ops.GetStringAsync($"api/ops/partners/{partner.PartnerId}/credentials");
        Assert.DoesNotContain(oldSecret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(newSecret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(newSecret, string.Join("\n", scenario.Logs.Lines), StringComparison.Ordinal);
        var stored = await scenario.Service<Azure.Data.Tables.TableServiceClient>().GetTableClient("Partners").GetEntityAsync<Azure.Data.Tables.TableEntity>(partner.PartnerId, "partner");
        Assert.DoesNotContain(newSecret, string.Join("|", stored.Value.Select(p => p.Value is byte[] b ? System.Text.Encoding.UTF8.GetString(b) : p.Value?.ToString())), StringComparison.Ordinal);
    }

    public static TheoryData<string> BadCredentials() =>
    [
        """{"provider":"stripe"}""",
        """{"provider":"stripe","endpointSecret":"sk_live_notawebhooksecret"}""",
        """{"provider":"stripe","endpointSecret":"whsec_short"}""",
        """{"provider":"stripe","endpointSecret":"whsec_4eC39HqLyjWDarjtT1zdp7dcAbCdEfGh","appId":"2021000000000000"}""",
        """{"provider":"paypal","endpointSecret":"whsec_4eC39HqLyjWDarjtT1zdp7dcAbCdEfGh"}""",
        """{"provider":"wechatpay","merchantId":"1900000001","apiV3Key":"tooshort","publicKeySerial":"PUB_KEY_ID_01","publicKey":"not a key"}""",
        """{"provider":"alipay","appId":"2021000000000000","sellerId":"1234","publicKey":"MIIB"}""",
    ];

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task A_credential_that_could_never_verify_is_refused_with_its_problems_and_nothing_saved(string body)
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);

        var response = await ops.PostAsync($"api/ops/partners/{partner.PartnerId}/payment-credentials", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, answer);
        Assert.Equal("invalid_credential", JsonDocument.Parse(answer).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty((await scenario.Ops.ListCredentialsAsync(partner.PartnerId)).PaymentCredentials);
    }

    private static async Task<(CreatedPartner Partner, string Secret)> NewStripePartnerAsync(Scenario scenario)
    {
        var partner = await scenario.NewPartnerAsync();
        var secret = StripeEventSender.NewEndpointSecret();
        await scenario.Ops.AddPaymentCredentialAsync(partner.PartnerId, new PaymentCredentialRequest("stripe", EndpointSecret: secret));
        return (partner, secret);
    }
}
