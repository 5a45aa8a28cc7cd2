using System.Globalization;
using System.Text;
using Fulfilment.Catalogue;
using Fulfilment.Orders;
using Fulfilment.Partners;
using Stripe;
using Stripe.Checkout;

namespace Fulfilment.Payments;

/// <summary>
/// Stripe's own webhook events (<c>POST /api/webhooks/{partnerId}/stripe</c>). The <c>Stripe-Signature</c> header
/// (<c>t=</c>, one or more <c>v1=</c>) is checked with Stripe.net against each of the partner's active endpoint secrets
/// (several during rotation; any match passes), within 300 seconds of its timestamp, before the event is read. Then:
/// <list type="bullet">
/// <item><c>checkout.session.completed</c> whose <c>payment_status</c> is <c>paid</c>, and
/// <c>checkout.session.async_payment_succeeded</c>, pay the order named by <c>client_reference_id</c> (or
/// <c>metadata.payment_reference</c>), with the session's payment intent as the payment's id;</item>
/// <item><c>payment_intent.succeeded</c> pays the order named by <c>metadata.payment_reference</c>: the same payment as its
/// session's, so the two give one order;</item>
/// <item><c>charge.refunded</c> (everything refunded so far) and <c>charge.dispute.created</c> reverse the payment of their
/// payment intent;</item>
/// <item>a session not paid yet, a payment intent without our reference, and other event types are acknowledged and ignored.</item>
/// </list>
/// </summary>
internal sealed class StripeFormat : IPaymentNotificationFormat
{
    public const string SignatureHeader = "Stripe-Signature";
    public const int ToleranceSeconds = 300;

    /// <summary>Where a payment intent (or a session, besides <c>client_reference_id</c>) carries the order's payment reference.</summary>
    public const string ReferenceMetadataKey = "payment_reference";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string Route => "stripe";

    /// <summary>Stripe's events are a few kilobytes; a checkout session with many fields stays well under this.</summary>
    public int MaxBodyBytes => 256 * 1024;

    public NotificationReading Read(Partner? partner, NotificationRequest request, DateTimeOffset now)
    {
        var header = request.Header(SignatureHeader);
        if (string.IsNullOrWhiteSpace(header))
        {
            return NotificationReading.Unverified(new("missing_signature_headers", $"The {SignatureHeader} header is required."));
        }

        var items = header.Split(',').Select(item => item.Trim().Split('=', 2)).ToList();
        var timestamps = items.Where(i => i.Length == 2 && i[0] == "t").Select(i => i[1]).ToList();
        if (timestamps is not [var t] || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return NotificationReading.Unverified(new("invalid_timestamp", $"{SignatureHeader} must carry one t= of whole seconds since the Unix epoch."));
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > ToleranceSeconds)
        {
            return NotificationReading.Unverified(new("stale_timestamp", $"The {SignatureHeader} timestamp is more than {ToleranceSeconds} seconds away from now."));
        }

        string json;
        try
        {
            json = StrictUtf8.GetString(request.Body);
        }
        catch (DecoderFallbackException)
        {
            return NotificationReading.Unverified(InvalidSignature); // Stripe signs UTF-8 text: these bytes were not signed by it
        }

        var credential = partner?.ActiveCredentials(PaymentProvider.Stripe, now).FirstOrDefault(c => Verifies(json, header, c.EndpointSecret, now));
        if (credential is null)
        {
            return NotificationReading.Unverified(InvalidSignature);
        }

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ParseEvent(json, throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is StripeException or Newtonsoft.Json.JsonException or System.Text.Json.JsonException or ArgumentException or InvalidCastException or FormatException or OverflowException)
        {
            return NotificationReading.Invalid(credential.Id, new("invalid_payload", "The body is not a Stripe event."));
        }

        return Read(stripeEvent, credential.Id);
    }

    private static NotificationRejection InvalidSignature =>
        new("invalid_signature", $"No v1 signature in {SignatureHeader} matches an active Stripe endpoint secret of this partner.");

    /// <summary>Stripe.net's own check; a header it cannot read is a signature that does not match.</summary>
    private static bool Verifies(string json, string header, string? secret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return false;
        }

        try
        {
            EventUtility.ValidateSignature(json, header, secret, ToleranceSeconds, now.ToUnixTimeSeconds());
            return true;
        }
        catch (Exception e) when (e is StripeException or FormatException or OverflowException or ArgumentException or EncoderFallbackException)
        {
            return false;
        }
    }

    private static NotificationReading Read(Event stripeEvent, string credential)
    {
        switch (stripeEvent.Type)
        {
            case EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded when stripeEvent.Data?.Object is Session session:
                if (session.PaymentStatus != "paid")
                {
                    return NotificationReading.Ignoring($"{stripeEvent.Type} {stripeEvent.Id}: session {session.Id} is {session.PaymentStatus}, not paid yet", credential);
                }

                var reference = session.ClientReferenceId ?? session.Metadata?.GetValueOrDefault(ReferenceMetadataKey);
                return Payment(stripeEvent, credential, reference, session.PaymentIntentId ?? session.Id, session.AmountTotal, session.Currency);
            case EventTypes.PaymentIntentSucceeded when stripeEvent.Data?.Object is PaymentIntent intent:
                if (intent.Metadata?.GetValueOrDefault(ReferenceMetadataKey) is not { } intentReference)
                {
                    // A payment made through a checkout session carries our reference on the session: its event pays the order.
                    return NotificationReading.Ignoring($"{stripeEvent.Type} {stripeEvent.Id}: payment intent {intent.Id} has no metadata.{ReferenceMetadataKey}", credential);
                }

                return Payment(stripeEvent, credential, intentReference, intent.Id, intent.AmountReceived, intent.Currency);
            case EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded or EventTypes.PaymentIntentSucceeded:
                return NotificationReading.Invalid(credential, new("invalid_payload", $"The {stripeEvent.Type} event carries no {ObjectOf(stripeEvent.Type)}."));
            case EventTypes.ChargeRefunded when stripeEvent.Data?.Object is Charge charge:
                return Reversal(stripeEvent, credential, ReversalKind.Refund, $"{charge.Id}:refunded:{charge.AmountRefunded}", charge.PaymentIntentId,
                    charge.AmountRefunded, charge.Currency, charge.Metadata?.GetValueOrDefault(ReferenceMetadataKey));
            case EventTypes.ChargeDisputeCreated when stripeEvent.Data?.Object is Dispute dispute:
                return Reversal(stripeEvent, credential, ReversalKind.Dispute, dispute.Id, dispute.PaymentIntentId, dispute.Amount, dispute.Currency, null);
            case EventTypes.ChargeRefunded or EventTypes.ChargeDisputeCreated:
                return NotificationReading.Invalid(credential, new("invalid_payload", $"The {stripeEvent.Type} event carries no {(stripeEvent.Type == EventTypes.ChargeRefunded ? "charge" : "dispute")}."));
            default:
                return NotificationReading.Ignoring($"{stripeEvent.Type} {stripeEvent.Id} is not an event we act on", credential);
        }
    }

    /// <summary>A refund (Stripe's <c>amount_refunded</c>: everything refunded so far) or a dispute of the payment intent.</summary>
    private static NotificationReading Reversal(
        Event stripeEvent, string credential, string kind, string? reversalId, string? paymentIntent, long amount, string? currency, string? reference)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(paymentIntent) && string.IsNullOrEmpty(reference)) problems.Add("the payment is named by neither payment_intent nor metadata.payment_reference");
        if (string.IsNullOrEmpty(reversalId) || string.IsNullOrEmpty(stripeEvent.Id)) problems.Add("the event or its object has no id");
        var (money, code) = ReadMoney(amount, currency, problems);
        if (problems.Count > 0)
        {
            return NotificationReading.Invalid(credential, new("invalid_payload", $"The Stripe {kind} cannot be matched to a payment.", problems));
        }

        return NotificationReading.Reversed(
            new PaymentReversal(PaymentProvider.Stripe, stripeEvent.Id, kind, reversalId!, money, Cumulative: true, code)
            {
                PaymentId = string.IsNullOrEmpty(paymentIntent) ? null : paymentIntent,
                Reference = reference,
            },
            credential);
    }

    private static string ObjectOf(string type) => type.StartsWith("checkout.", StringComparison.Ordinal) ? "checkout session" : "payment intent";

    private static NotificationReading Payment(Event stripeEvent, string credential, string? reference, string? paymentId, long? amount, string? currency)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(reference)) problems.Add($"the payment names no order: client_reference_id or metadata.{ReferenceMetadataKey} is required");
        if (string.IsNullOrEmpty(stripeEvent.Id)) problems.Add("the event has no id");
        if (string.IsNullOrEmpty(paymentId)) problems.Add("the payment has no id");
        var (money, code) = ReadMoney(amount, currency, problems);
        if (problems.Count > 0)
        {
            return NotificationReading.Invalid(credential, new("invalid_payload", "The Stripe payment cannot pay an order.", problems));
        }

        return NotificationReading.Paid(new ProviderPayment(PaymentProvider.Stripe, stripeEvent.Id, paymentId!, money, code) { Reference = reference! }, credential);
    }

    /// <summary>Stripe's amount in minor units and its lowercase currency, as an amount of an ISO 4217 currency; problems when they are not.</summary>
    private static (decimal Amount, string Currency) ReadMoney(long? minorUnits, string? currency, List<string> problems)
    {
        var code = currency?.ToUpperInvariant();
        if (minorUnits is not > 0) problems.Add("the amount must be a positive number of minor units");
        if (code is null || !CurrencyCode.IsValid(code))
        {
            problems.Add("the currency must be a three-letter ISO 4217 code");
            return (0, "");
        }

        return (minorUnits is > 0 ? Money.FromMinorUnits(minorUnits.Value, code) : 0, code);
    }
}
