namespace Fulfilment.Orders;

/// <summary>The order opened (or found opened, or already paid, under the same request: <see cref="Existing"/>), or why none was: exactly one of <see cref="Order"/> and <see cref="Refusal"/>.</summary>
internal sealed record OrderOpeningResult
{
    private OrderOpeningResult(Order? order, bool existing, PaymentRefusal? refusal) => (Order, Existing, Refusal) = (order, existing, refusal);

    public Order? Order { get; }

    public bool Existing { get; }

    public PaymentRefusal? Refusal { get; }

    public static OrderOpeningResult Opened(Order order, bool existing) => new(order, existing, null);

    public static OrderOpeningResult Refused(PaymentRefusal refusal) => new(null, false, refusal);
}
