using System.Text;
using Fulfilment.Partners;
using Fulfilment.Payments;
using Stripe;

namespace Fulfilment.Tests;

/// <summary>
/// Stripe's webhook events, verified and read: the events are written as Stripe sends them and signed by Stripe.net's
/// own signing (<see cref="EventUtility.GenerateSignatureHeader"/>), an implementation independent of the format's use of it.
/// </summary>
public sealed class StripeFormatTests
{
    private const string Secret = "whsec_4eC39HqLyjWDarjtT1zdp7dcAbCdEfGh";
    private const string NextSecret = "whsec_9fD51JsMzkXEbskuU2aeq8edZyXwVuTs";
    private const string Reference = "f0123456789abcdef0123456789abcde";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly StripeFormat Format = new();

    private static readonly Partner Shop = new("shop", "Shop", [])
    {
        ProviderCredentials =
        [
            new ProviderCredential("pcr_old", PaymentProvider.Stripe, Now.AddDays(-30)) { EndpointSecret = Secret },
            new ProviderCredential("pcr_new", PaymentProvider.Stripe, Now.AddDays(-1)) { EndpointSecret = NextSecret },
            new ProviderCredential("pcr_gone", PaymentProvider.Stripe, Now.AddDays(-90), RetiresAt: Now.AddDays(-2)) { EndpointSecret = "whsec_RetiredRetiredRetiredRetired01" },
        ],
    };

    public static string SessionEvent(string type = "checkout.session.completed", string paymentStatus = "paid", string? reference = Reference, long amount = 2500, string currency = "cny") =>
        Event("evt_1QxA", type,
            "{\"id\":\"cs_test_a1\",\"object\":\"checkout.session\",\"amount_total\":" + amount + ",\"currency\":\"" + currency + "\"," +
            "\"client_reference_id\":" + (reference is null ? "null" : "\"" + reference + "\"") + ",\"metadata\":{},\"mode\":\"payment\"," +
            "\"payment_intent\":\"pi_3QxA\",\"payment_status\":\"" + paymentStatus + "\",\"status\":\"complete\"}");

    public static string IntentEvent(string? reference = Reference) =>
        Event("evt_2QxB", "payment_intent.succeeded",
            "{\"id\":\"pi_3QxA\",\"object\":\"payment_intent\",\"amount\":2500,\"amount_received\":2500,\"currency\":\"cny\"," +
            "\"metadata\":" + (reference is null ? "{}" : "{\"payment_reference\":\"" + reference + "\"}") + ",\"status\":\"succeeded\"}");

    /// <summary>An event as Stripe posts it: its envelope around the object.</summary>
    private static string Event(string id, string type, string dataObject) =>
        "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"2025-03-31.basil\",\"created\":1799999990,\"livemode\":false," +
        "\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"" + type + "\",\"data\":{\"object\":" + dataObject + "}}";

    private static NotificationRequest Signed(string json, string secret = Secret, long? timestamp = null, string? header = null)
    {
        var signature = header ?? EventUtility.GenerateSignatureHeader(json, secret, timestamp ?? Now.ToUnixTimeSeconds());
        return new NotificationRequest(name => name == StripeFormat.SignatureHeader ? signature : "", Encoding.UTF8.GetBytes(json));
    }

    [Fact]
    public void A_paid_checkout_session_pays_the_order_its_client_reference_names()
    {
        var reading = Format.Read(Shop, Signed(SessionEvent()), Now);

        Assert.Null(reading.Rejection);
        var payment = reading.Payment!;
        Assert.Equal(("stripe", "evt_1QxA", "pi_3QxA", Reference, 25.00m, "CNY"),
            (payment.Provider, payment.NotificationId, payment.PaymentId, payment.Reference, payment.Amount, payment.Currency));
        Assert.Equal("pcr_old", reading.Credential);
    }

    [Fact]
    public void Its_payment_intent_is_the_same_payment_so_the_two_events_give_one_order()
    {
        var session = Format.Read(Shop, Signed(SessionEvent()), Now).Payment!;
        var intent = Format.Read(Shop, Signed(IntentEvent()), Now).Payment!;
        var later = Format.Read(Shop, Signed(SessionEvent("checkout.session.async_payment_succeeded")), Now).Payment!;

        Assert.Equal((session.PaymentId, session.Reference), (intent.PaymentId, intent.Reference));
        Assert.Equal(session.PaymentId, later.PaymentId);
    }

    [Fact]
    public void Every_active_endpoint_secret_verifies_and_any_matching_v1_passes()
    {
        Assert.Equal("pcr_new", Format.Read(Shop, Signed(SessionEvent(), NextSecret), Now).Credential);

        // Stripe sends one v1 per active secret while an endpoint's secret is rolled: one match is enough.
        var json = SessionEvent();
        var t = Now.ToUnixTimeSeconds();
        var header = $"t={t},v1={EventUtility.ComputeSignature("whsec_SomeoneElsesSecretSomeoneElses", t.ToString(), json)},v1={EventUtility.ComputeSignature(NextSecret, t.ToString(), json)}";
        Assert.Equal("pcr_new", Format.Read(Shop, Signed(json, header: header), Now).Credential);
    }

    public static TheoryData<string, string> Unverified() => new()
    {
        { "wrong-secret", "invalid_signature" },
        { "retired-secret", "invalid_signature" },
        { "unknown-partner", "invalid_signature" },
        { "tampered-body", "invalid_signature" },
        { "stale", "stale_timestamp" },
        { "future", "stale_timestamp" },
        { "missing-header", "missing_signature_headers" },
        { "timestamp-not-a-number", "invalid_timestamp" },
        { "two-timestamps", "invalid_timestamp" },
        { "no-v1", "invalid_signature" },
        { "garbage-item", "invalid_signature" },
        { "huge-timestamp", "invalid_timestamp" },
        { "invalid-utf8", "invalid_signature" },
        { "another-providers-credential", "invalid_signature" },
    };

    [Theory]
    [MemberData(nameof(Unverified))]
    public void A_notification_that_does_not_verify_is_rejected_before_it_is_read(string name, string code)
    {
        var json = SessionEvent();
        var t = Now.ToUnixTimeSeconds();
        var good = EventUtility.ComputeSignature(Secret, t.ToString(), json);
        Partner? partner = Shop;
        var request = name switch
        {
            "wrong-secret" => Signed(json, "whsec_NotTheShopsSecretNotTheShops1"),
            "retired-secret" => Signed(json, "whsec_RetiredRetiredRetiredRetired01"),
            "unknown-partner" => Signed(json),
            "tampered-body" => new NotificationRequest(Signed(json).Header, Encoding.UTF8.GetBytes(json.Replace("2500", "1"))),
            "stale" => Signed(json, timestamp: t - 301),
            "future" => Signed(json, timestamp: t + 301),
            "missing-header" => Signed(json, header: ""),
            "timestamp-not-a-number" => Signed(json, header: $"t=soon,v1={good}"),
            "two-timestamps" => Signed(json, header: $"t={t},t={t},v1={good}"),
            "no-v1" => Signed(json, header: $"t={t},v0={good}"),
            "garbage-item" => Signed(json, header: $"t={t},garbage,v1={good[..^1]}0"),
            "huge-timestamp" => Signed(json, header: $"t=99999999999999999999999,v1={good}"),
            "invalid-utf8" => new NotificationRequest(Signed(json).Header, [.. Encoding.UTF8.GetBytes(json), 0xFF]),
            _ => Signed(json),
        };
        if (name == "unknown-partner")
        {
            partner = null;
        }
        else if (name == "another-providers-credential")
        {
            partner = Shop with { ProviderCredentials = [new ProviderCredential("pcr_ali", PaymentProvider.Alipay, Now) { EndpointSecret = Secret }] };
        }

        var reading = Format.Read(partner, request, Now);

        Assert.Equal((code, null, null), (reading.Rejection?.Code, reading.Credential, reading.Payment));
    }

    [Fact]
    public void A_header_with_an_item_that_is_not_name_value_is_refused_even_with_a_matching_v1()
    {
        // Stripe.net refuses such a header (its exception is caught, never thrown out of Read): a malformed header is not Stripe's.
        var json = SessionEvent();
        var t = Now.ToUnixTimeSeconds();
        var reading = Format.Read(Shop, Signed(json, header: $"t={t},garbage,v1={EventUtility.ComputeSignature(Secret, t.ToString(), json)}"), Now);
        Assert.Equal(("invalid_signature", null), (reading.Rejection?.Code, reading.Payment));
    }

    public static TheoryData<string, string> Ignored() => new()
    {
        { SessionEvent(paymentStatus: "unpaid"), "not paid yet" },
        { SessionEvent(paymentStatus: "no_payment_required"), "not paid yet" },
        { IntentEvent(reference: null), "no metadata.payment_reference" },
        { SessionEvent(type: "customer.created"), "not an event we act on" },
        { SessionEvent(type: "checkout.session.expired"), "not an event we act on" },
    };

    [Theory]
    [MemberData(nameof(Ignored))]
    public void An_event_that_pays_nothing_is_acknowledged_and_ignored(string json, string why)
    {
        var reading = Format.Read(Shop, Signed(json), Now);

        Assert.Equal((null, null, "pcr_old"), (reading.Rejection, reading.Payment, reading.Credential));
        Assert.Contains(why, reading.Ignored);
    }

    public static TheoryData<string, string> Invalid() => new()
    {
        { "not json at all", "invalid_payload" },
        { """{"id":"evt_1","object":"event","type":"checkout.session.completed","data":{"object":{"id":"x","object":"customer"}}}""", "invalid_payload" },
        { SessionEvent(reference: null), "invalid_payload" },
        { SessionEvent(amount: 0), "invalid_payload" },
        { SessionEvent(currency: "xx"), "invalid_payload" },
        { SessionEvent(type: "charge.refunded"), "invalid_payload" }, // a refund event around a session: no charge
    };

    [Fact]
    public void A_refund_reverses_everything_refunded_so_far_and_a_dispute_its_amount_of_the_payment_intent()
    {
        var refund = Format.Read(Shop, Signed(Event("evt_3R", "charge.refunded",
            "{\"id\":\"ch_3QxA\",\"object\":\"charge\",\"amount\":2500,\"amount_refunded\":1000,\"currency\":\"cny\",\"payment_intent\":\"pi_3QxA\",\"refunded\":false,\"metadata\":{}}")), Now);
        var dispute = Format.Read(Shop, Signed(Event("evt_4D", "charge.dispute.created",
            "{\"id\":\"dp_1QxA\",\"object\":\"dispute\",\"amount\":2500,\"charge\":\"ch_3QxA\",\"currency\":\"cny\",\"payment_intent\":\"pi_3QxA\",\"reason\":\"fraudulent\",\"status\":\"needs_response\"}")), Now);

        var r = refund.Reversal!;
        Assert.Equal(("refund", "ch_3QxA:refunded:1000", 10.00m, true, "CNY", "pi_3QxA", "evt_3R"), (r.Kind, r.ReversalId, r.Amount, r.Cumulative, r.Currency, r.PaymentId, r.NotificationId));
        var d = dispute.Reversal!;
        Assert.Equal(("dispute", "dp_1QxA", 25.00m, "pi_3QxA"), (d.Kind, d.ReversalId, d.Amount, d.PaymentId));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_verified_event_that_cannot_pay_an_order_is_invalid_and_keeps_its_credential(string json, string code)
    {
        var reading = Format.Read(Shop, Signed(json), Now);

        Assert.Equal((code, "pcr_old", null), (reading.Rejection?.Code, reading.Credential, reading.Payment));
    }
}
