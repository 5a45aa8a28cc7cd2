namespace Fulfilment.Orders;

/// <summary>The order a payment made (or found, for a duplicate), or why it made none.</summary>
internal sealed record PaymentAcceptanceResult(Order? Order, bool Duplicate, PaymentRefusal? Refusal)
{
    public static PaymentAcceptanceResult Refused(string code, string message) => new(null, false, new PaymentRefusal(code, message));
}
