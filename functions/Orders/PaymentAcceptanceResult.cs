namespace Fulfilment.Orders;

/// <summary>
/// The order a payment made (or found, for a duplicate), or why it made none: exactly one of <see cref="Order"/> and
/// <see cref="Refusal"/>, as the two ways to make one guarantee.
/// </summary>
internal sealed record PaymentAcceptanceResult
{
    private PaymentAcceptanceResult(Order? order, bool duplicate, PaymentRefusal? refusal) =>
        (Order, Duplicate, Refusal) = (order, duplicate, refusal);

    public Order? Order { get; }

    /// <summary>The payment was accepted before: <see cref="Order"/> is the order it made then.</summary>
    public bool Duplicate { get; }

    public PaymentRefusal? Refusal { get; }

    /// <summary>What ops must look at, and on which order (a payment that does not match its order, an order paid twice); null when nothing.</summary>
    public (string OrderId, string Reason)? OpsFlag { get; init; }

    public static PaymentAcceptanceResult Accepted(Order order, bool duplicate) => new(order, duplicate, null);

    public static PaymentAcceptanceResult Refused(PaymentRefusal refusal) => new(null, false, refusal);

    public static PaymentAcceptanceResult Refused(string code, string message) => Refused(new PaymentRefusal(code, message));
}
