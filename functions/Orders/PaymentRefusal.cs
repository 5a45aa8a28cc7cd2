namespace Fulfilment.Orders;

/// <summary>Why a verified payment notification did not make an order: a stable code and what to tell the sender.</summary>
internal sealed record PaymentRefusal(string Code, string Message)
{
    public const string OrderConflict = "order_conflict";

    /// <summary>The order was already paid with other content (409); the other refusals say the notification does not pass an acceptance rule (422).</summary>
    public bool IsConflict => Code == OrderConflict;

    /// <summary>When the same request may succeed (a paced SKU's next minute, a limit's window passing); null if not by waiting.</summary>
    public DateTimeOffset? RetryAt { get; init; }
}
