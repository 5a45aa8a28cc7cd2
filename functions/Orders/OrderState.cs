namespace Fulfilment.Orders;

internal static class OrderState
{
    /// <summary>Opened by the partner before payment: it waits for the payment provider's notification.</summary>
    public const string Opened = "opened";

    /// <summary>Opened, and its card keys are held (reserved for it) until its payment window ends.</summary>
    public const string Held = "held";

    /// <summary>Opened, its payment window over and any held keys back in stock; a payment is still honoured.</summary>
    public const string Expired = "expired";

    /// <summary>Written by the payment webhook (or an opened order paid); fulfilment is queued.</summary>
    public const string Paid = "paid";

    /// <summary>Not enough keys in stock; fulfilled, oldest first, when keys are imported.</summary>
    public const string AwaitingStock = "awaiting-stock";

    /// <summary>The order has everything it paid for.</summary>
    public const string Delivered = "delivered";

    /// <summary>Our client reference is stored; the supplier is being asked to credit, or to sell codes (or may have been).</summary>
    public const string Submitting = "submitting";

    /// <summary>The outcome at the supplier is not known yet: we query it by our client reference, backing off.</summary>
    public const string Reconciling = "reconciling";

    /// <summary>A redemption the platform confirmed it did not make: it is submitted again after a back-off.</summary>
    public const string RetryScheduled = "retry-scheduled";

    /// <summary>Not fulfilled, for a stated reason; the buyer was not credited.</summary>
    public const string Failed = "failed";

    /// <summary>Refunded or disputed before it was delivered: nothing was, or will be, delivered.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Delivered, then refunded in full; its card keys are flagged compromised.</summary>
    public const string Refunded = "refunded";

    /// <summary>Delivered, then disputed by the buyer (a chargeback); its card keys are flagged compromised.</summary>
    public const string Disputed = "disputed";

    /// <summary>Paid, and a risk rule sent it to ops for review: fulfilled if approved, <see cref="Refused"/> if not. The partner is told.</summary>
    public const string HeldForReview = "held-for-review";

    /// <summary>Paid, and a risk rule refused it: nothing is delivered; the partner is told, to refund the buyer.</summary>
    public const string RefusedByRisk = "refused-by-risk";

    /// <summary>Held for review and refused by ops: nothing is delivered; the partner is told, to refund the buyer.</summary>
    public const string Refused = "refused";

    /// <summary>Still unknown after the reconciliation deadline: ops must look (an alert was raised).</summary>
    public const string NeedsAttention = "needs-attention";
}
