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
    public const string HeldForReview = "held_for_review";
    public const string RefusedAfterReview = "refused_after_review";

    /// <summary>The risk rules' codes: an order refused when opened (422) or when paid (<c>refused-by-risk</c>) says which rule.</summary>
    public const string QuantityLimit = "quantity_limit";
    public const string BuyerLimit = "buyer_limit";
    public const string BuyerLifetimeLimit = "buyer_lifetime_limit";
    public const string AccountLimit = "account_limit";
    public const string PacingLimit = "pacing_limit";
    public const string Blocked = "blocked";

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
        [HeldForReview] = "The order is held for review under the shop's risk rules: it is fulfilled if approved; if refused, refund the buyer.",
        [RefusedAfterReview] = "The order was refused after review under the shop's risk rules: nothing was delivered; refund the buyer.",
        [QuantityLimit] = "Refused by the shop's risk rules: more units than one order may have. Nothing was delivered; refund the buyer.",
        [BuyerLimit] = "Refused by the shop's risk rules: the buyer's purchase limit for this product. Nothing was delivered; refund the buyer.",
        [BuyerLifetimeLimit] = "Refused by the shop's risk rules: the buyer's lifetime limit for this product. Nothing was delivered; refund the buyer.",
        [AccountLimit] = "Refused by the shop's risk rules: the account's limit for this product. Nothing was delivered; refund the buyer.",
        [PacingLimit] = "Refused by the shop's risk rules: this product's sales per minute. Nothing was delivered; refund the buyer.",
        [Blocked] = "Refused by the shop's risk rules: a blocklist. Nothing was delivered; refund the buyer.",
    };

    /// <summary>The message of a code.</summary>
    public static string MessageOf(string code) => Messages[code];

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
            OrderState.HeldForReview => HeldForReview,
            OrderState.Refused => RefusedAfterReview,
            OrderState.RefusedByRisk => order.RiskRule is { } rule && Messages.ContainsKey(rule) ? rule : NotFulfilled,
            OrderState.Failed => order.FailureCode is { } failure && Messages.ContainsKey(failure) ? failure : NotFulfilled,
            _ => InProgress,
        };
        // The rule's figures are the buyer's own ("3 units in 24 h, limit 2"), never another buyer's.
        return (code, code is null ? null
            : order.RiskDetail is { } detail && order.State is OrderState.HeldForReview or OrderState.RefusedByRisk or OrderState.Refused ? $"{Messages[code]} ({detail})"
            : Messages[code]);
    }
}
