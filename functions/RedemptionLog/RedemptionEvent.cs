namespace Fulfilment.RedemptionLog;

/// <summary>What a redemption-log entry reports: the order's final outcome, by kind, or its hold for review.</summary>
internal static class RedemptionEvent
{
    public const string KeyDelivered = "key-delivered";
    public const string TopUpCredited = "top-up-credited";
    public const string RedemptionDone = "redemption-done";
    public const string OrderFailed = "order-failed";
    public const string NeedsAttention = "needs-attention";
    public const string OrderCancelled = "order-cancelled";
    public const string OrderRefunded = "order-refunded";
    public const string OrderDisputed = "order-disputed";
    public const string OrderHeldForReview = "order-held-for-review";
    public const string OrderRefusedByRisk = "order-refused-by-risk";
    public const string OrderRefused = "order-refused";
}
