namespace Fulfilment.Contract;

/// <summary>
/// An order opened before payment (201), or found under the same request (200): what to charge (<see cref="Amount"/> in
/// <see cref="Currency"/>, and the same in minor units, as WeChat Pay and Stripe write amounts), the reference to hand
/// the payment provider (WeChat Pay's and Alipay's <c>out_trade_no</c>, Stripe's <c>client_reference_id</c>) and until
/// when the order waits for payment. A payment after that is still honoured. <see cref="PaymentReference"/> and
/// <see cref="ExpiresAt"/> are null for an order a payment notification wrote without it being opened first.
/// </summary>
public sealed record OpenedOrder(
    string OrderId, string State, string Sku, int Quantity, decimal Amount, string Currency, long AmountInMinorUnits,
    string? PaymentReference, DateTimeOffset? ExpiresAt);
