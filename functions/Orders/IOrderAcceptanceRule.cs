using Fulfilment.Catalogue;

namespace Fulfilment.Orders;

/// <summary>
/// A rule a paid notification must pass before its order is written: the first rule that refuses decides, and nothing
/// is written. Rules run in the order they are registered (<see cref="OrdersRegistration"/>). To add one, implement this
/// and register it after the rules it must come after.
/// </summary>
internal interface IOrderAcceptanceRule
{
    /// <summary>Null when the order may go ahead, else the refusal (a stable code and what to tell the sender).</summary>
    ValueTask<PaymentRefusal?> CheckAsync(string partnerId, PaymentNotification notification, Sku sku, CancellationToken cancellationToken);
}
