namespace Fulfilment.Contract;

/// <summary>
/// The body of a payment webhook (<c>POST /api/webhooks/{partnerId}/payments</c>), signed the Standard Webhooks way:
/// <c>type</c> <c>payment.succeeded</c> and the paid order in <see cref="Data"/>.
/// </summary>
public sealed record PaymentWebhook(string Type, PaymentData Data, DateTimeOffset? Timestamp = null)
{
    public const string PaymentSucceeded = "payment.succeeded";
}
