namespace Fulfilment.Orders;

/// <summary>
/// A provider's notice that (part of) a payment went back to the buyer: a refund or a dispute, its id at the provider,
/// and its amount. <see cref="Cumulative"/>: the amount is everything refunded so far (Stripe's <c>amount_refunded</c>,
/// Alipay's <c>refund_fee</c>); otherwise it is this refund's alone (WeChat Pay's <c>amount.refund</c>). The order is
/// named by its payment reference, or by the provider's id of the payment.
/// </summary>
internal sealed record PaymentReversal(string Provider, string NotificationId, string Kind, string ReversalId, decimal Amount, bool Cumulative, string Currency)
{
    public string? Reference { get; init; }

    public string? PaymentId { get; init; }
}
