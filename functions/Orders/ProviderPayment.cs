namespace Fulfilment.Orders;

/// <summary>
/// A payment as a provider's notification reports it: the provider, the notification's id, the provider's id of the
/// payment (a second notice of it is a duplicate), the order's payment reference, and what was paid.
/// </summary>
internal sealed record ProviderPayment(string Provider, string NotificationId, string PaymentId, decimal Amount, string Currency)
{
    /// <summary>The payment reference the notification names (<see cref="PaymentReferences"/>).</summary>
    public string Reference { get; init; } = "";
}
