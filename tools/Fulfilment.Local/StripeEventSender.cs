using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Stripe;

namespace Fulfilment.Local;

/// <summary>
/// Sends Stripe webhook events as Stripe posts them to an endpoint: the event envelope around a checkout session or a
/// payment intent, signed by Stripe.net's own signing with the endpoint's secret (<c>Stripe-Signature</c>).
/// </summary>
public sealed class StripeEventSender(HttpClient http)
{
    public const string ApiVersion = "2025-03-31.basil";

    /// <summary>A <c>checkout.session.completed</c> (or <paramref name="type"/>) event for a session paid with <paramref name="paymentIntent"/>.</summary>
    public static string CheckoutSessionEvent(
        string eventId, string paymentIntent, string? clientReferenceId, long amountTotal, string currency,
        string paymentStatus = "paid", string type = "checkout.session.completed") =>
        Event(eventId, type, new JsonObject
        {
            ["id"] = "cs_test_" + paymentIntent,
            ["object"] = "checkout.session",
            ["amount_total"] = amountTotal,
            ["currency"] = currency.ToLowerInvariant(),
            ["client_reference_id"] = clientReferenceId,
            ["metadata"] = new JsonObject(),
            ["mode"] = "payment",
            ["payment_intent"] = paymentIntent,
            ["payment_status"] = paymentStatus,
            ["status"] = "complete",
        });

    /// <summary>A <c>payment_intent.succeeded</c> event; <paramref name="paymentReference"/> goes in its metadata.</summary>
    public static string PaymentIntentSucceededEvent(string eventId, string paymentIntent, string? paymentReference, long amount, string currency) =>
        Event(eventId, "payment_intent.succeeded", new JsonObject
        {
            ["id"] = paymentIntent,
            ["object"] = "payment_intent",
            ["amount"] = amount,
            ["amount_received"] = amount,
            ["currency"] = currency.ToLowerInvariant(),
            ["metadata"] = paymentReference is null ? new JsonObject() : new JsonObject { ["payment_reference"] = paymentReference },
            ["status"] = "succeeded",
        });

    /// <summary>A <c>charge.refunded</c> event: <paramref name="amountRefunded"/> is everything refunded of the charge so far.</summary>
    public static string ChargeRefundedEvent(string eventId, string charge, string paymentIntent, long amount, long amountRefunded, string currency) =>
        Event(eventId, "charge.refunded", new JsonObject
        {
            ["id"] = charge,
            ["object"] = "charge",
            ["amount"] = amount,
            ["amount_refunded"] = amountRefunded,
            ["currency"] = currency.ToLowerInvariant(),
            ["payment_intent"] = paymentIntent,
            ["refunded"] = amountRefunded >= amount,
            ["metadata"] = new JsonObject(),
        });

    /// <summary>A <c>charge.dispute.created</c> event for the payment intent's charge.</summary>
    public static string DisputeCreatedEvent(string eventId, string dispute, string charge, string paymentIntent, long amount, string currency) =>
        Event(eventId, "charge.dispute.created", new JsonObject
        {
            ["id"] = dispute,
            ["object"] = "dispute",
            ["amount"] = amount,
            ["charge"] = charge,
            ["currency"] = currency.ToLowerInvariant(),
            ["payment_intent"] = paymentIntent,
            ["reason"] = "fraudulent",
            ["status"] = "needs_response",
        });

    public static string Event(string eventId, string type, JsonObject dataObject) =>
        new JsonObject
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = ApiVersion,
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
            ["data"] = new JsonObject { ["object"] = dataObject },
        }.ToJsonString();

    /// <summary>Posts the event to the partner's Stripe endpoint, signed at <paramref name="at"/> (now by default).</summary>
    public async Task<HttpResponseMessage> SendAsync(
        string partnerId, string endpointSecret, string json, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/{partnerId}/stripe")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        request.Headers.TryAddWithoutValidation("Stripe-Signature", EventUtility.GenerateSignatureHeader(json, endpointSecret, timestamp));
        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>A new endpoint secret of Stripe's shape (<c>whsec_</c> and 32 letters and digits).</summary>
    public static string NewEndpointSecret() =>
        "whsec_" + string.Concat(Enumerable.Range(0, 32).Select(_ => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[System.Security.Cryptography.RandomNumberGenerator.GetInt32(62)]));

    /// <summary>An id of Stripe's shape, for tests and the demo.</summary>
    public static string NewId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..24].ToString(CultureInfo.InvariantCulture);
}
