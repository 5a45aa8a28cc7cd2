namespace Fulfilment.Orders;

/// <summary>
/// What a partner is told about why its order is where it is: a stable code and a public sentence. Never our internals
/// (supplier names, client references, hosts, exception text): those stay in <see cref="Order.StateReason"/>, for ops.
/// </summary>
internal static class PartnerReason
{
    public const string AwaitingPayment = "awaiting_payment";
    public const string AwaitingStock = "awaiting_stock";
    public const string InProgress = "in_progress";
    public const string UnderReview = "under_review";
    public const string AccountRejected = "account_rejected";
    public const string NotFulfillable = "not_fulfillable";
    public const string NotFulfilled = "not_fulfilled";
    public const string PaymentRefunded = "payment_refunded";
    public const string PaymentDisputed = "payment_disputed";

    private static readonly Dictionary<string, string> Messages = new()
    {
        [AwaitingPayment] = "Waiting for the buyer's payment: the order is fulfilled when its payment provider tells us it is paid.",
        [AwaitingStock] = "Waiting for stock: the order is fulfilled, oldest first, as soon as keys arrive.",
        [InProgress] = "Fulfilment is in progress.",
        [UnderReview] = "The outcome is being confirmed by our operations team; the buyer may not be charged twice.",
        [AccountRejected] = "The target account was refused: it does not exist or cannot receive this product. Nothing was credited.",
        [NotFulfillable] = "This product cannot be fulfilled at the moment. Nothing was credited.",
        [NotFulfilled] = "The order could not be fulfilled. Nothing was credited.",
        [PaymentRefunded] = "The payment was refunded.",
        [PaymentDisputed] = "The buyer disputed the payment.",
    };

    /// <summary>The order's code and message, or (null, null) once delivered.</summary>
    public static (string? Code, string? Message) For(Order order)
    {
        var code = order.State switch
        {
            OrderState.Delivered => null,
            OrderState.Cancelled or OrderState.Refunded or OrderState.Disputed => order.ReversalKind == ReversalKind.Dispute ? PaymentDisputed : PaymentRefunded,
            OrderState.AwaitingStock => AwaitingStock,
            OrderState.Opened or OrderState.Held or OrderState.Expired => AwaitingPayment,
            OrderState.NeedsAttention => UnderReview,
            OrderState.Failed => order.FailureCode is { } failure && Messages.ContainsKey(failure) ? failure : NotFulfilled,
            _ => InProgress,
        };
        return (code, code is null ? null : Messages[code]);
    }
}
