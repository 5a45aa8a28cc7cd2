using Fulfilment.Delivery;
using Fulfilment.Ops;
using Fulfilment.Orders;
using Fulfilment.Partners;
using Fulfilment.Payments;

namespace Fulfilment.Http;

/// <summary>
/// What every payment-notification function does, whatever the format: read the body (within the format's limit),
/// verify it with the partner's credentials before reading anything from it, then accept it as a paid order; the
/// sender hears success only once the order is written and its fulfilment queued.
/// </summary>
internal sealed class PaymentNotificationIntake(
    PartnerDirectory partners,
    PaymentAcceptance acceptance,
    PaymentReversals reversals,
    OpsAlerts alerts,
    PartnerRateLimit rateLimit,
    TimeProvider clock,
    ILogger<PaymentNotificationIntake> logger)
{
    public async Task<IResult> HandleAsync(HttpContext context, IPaymentNotificationFormat format, IPaymentNotificationAnswers answers)
    {
        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var cancellationToken = context.RequestAborted;
        var body = await ApiResults.ReadBodyAsync(context.Request, format.MaxBodyBytes);
        if (body is null)
        {
            return answers.TooLarge(format.MaxBodyBytes);
        }

        // A source whose notifications keep failing verification is not even looked up for a partner this instance does
        // not know; a partner's verified notifications are never limited by source (a flash sale comes from one backend).
        if (!partners.IsKnown(partnerId) && rateLimit.IsSourceSpent(context) is { } spent)
        {
            return spent;
        }

        // An unknown partner fails exactly as a wrong signature does: partner ids cannot be enumerated.
        var partner = PartnerId.IsValid(partnerId) ? await partners.FindAsync(partnerId, cancellationToken) : null;
        var headers = context.Request.Headers;
        var reading = format.Read(partner, new NotificationRequest(name => headers[name].ToString(), body), clock.GetUtcNow());
        if (partner is null || reading.Credential is not { } credential)
        {
            var unverified = reading.Rejection!; // a reading without a credential is a rejection
            if (rateLimit.ThrottleSource(context) is { } throttled)
            {
                return throttled;
            }

            logger.LogWarning("A {Format} notification for partner {PartnerId} was rejected: {Code}", format.Route, partnerId, unverified.Code);
            return answers.Unverified(unverified);
        }

        await partners.NoteCredentialUsedAsync(partner, credential, cancellationToken);
        if (reading.Rejection is { } invalid)
        {
            return answers.Invalid(invalid);
        }

        if (reading.Ignored is { } ignored)
        {
            logger.LogInformation("A {Format} notification for partner {PartnerId} was acknowledged and needs nothing: {Ignored}", format.Route, partnerId, ignored);
            return answers.Ignored(ignored);
        }

        var result = reading switch
        {
            { Payment: { } payment } => await acceptance.AcceptForReferenceAsync(partnerId, payment, cancellationToken),
            { Reversal: { } reversal } => await reversals.ReverseAsync(partnerId, reversal, cancellationToken),
            _ => await acceptance.AcceptAsync(partnerId, reading.NotificationId!, reading.Notification!, cancellationToken),
        };
        if (result.OpsFlag is { } flag)
        {
            // Before the sender hears anything: money that paid for nothing, or came back after a credit, is never left unseen.
            await alerts.RaiseAsync(reading.Reversal is null ? "payment-needs-refund" : "payment-reversed", partnerId, flag.OrderId, flag.Reason, cancellationToken);
        }

        return result.Refusal is { } refusal ? answers.Refused(refusal) : answers.Accepted(result.Order!, result.Duplicate);
    }
}
