using Azure;
using Fulfilment.Inventory;

namespace Fulfilment.Orders;

/// <summary>
/// An order of one SKU for one buyer: paid when a payment notification wrote it, or opened by the partner before payment
/// (<see cref="OrderState.Opened"/>, with the <see cref="PaymentReference"/> the provider is handed) and paid later.
/// </summary>
internal sealed record Order(
    string PartnerId,
    string OrderId,
    string Sku,
    string SkuKind,
    int Quantity,
    decimal Amount,
    string Currency,
    string BuyerReference,
    string? TargetAccount,
    string? WebhookId,
    string State,
    string? StateReason,
    IReadOnlyList<KeyRef> Keys,
    DateTimeOffset? PaidAt,
    DateTimeOffset? DeliveredAt,
    ETag ETag,
    DateTimeOffset? LeaseUntil = null)
{
    /// <summary>An attempt that may give keys back holds the order this long at most.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    /// <summary>When the partner opened the order, before payment; null for an order a payment notification wrote.</summary>
    public DateTimeOffset? OpenedAt { get; init; }

    /// <summary>An opened order: until when it waits for payment.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>An opened order: the reference the partner hands the payment provider (<c>out_trade_no</c>, <c>client_reference_id</c>).</summary>
    public string? PaymentReference { get; init; }

    /// <summary>Who took the payment (<c>standard-webhooks</c>, <c>stripe</c>, <c>wechatpay</c>, <c>alipay</c>) and its id there; null until paid.</summary>
    public string? PaymentProvider { get; init; }

    /// <summary>The provider's id of the payment (a payment intent, a transaction): a second notice of it is a duplicate.</summary>
    public string? PaymentId { get; init; }

    /// <summary>When the order entered the order book: opened, or paid.</summary>
    public DateTimeOffset PlacedAt => OpenedAt ?? PaidAt ?? throw new InvalidOperationException($"Order {OrderId} has neither an opening nor a payment time.");

    /// <summary>The payment time of an order known to be paid.</summary>
    public DateTimeOffset PaidTime => PaidAt ?? throw new InvalidOperationException($"Order {OrderId} is not paid.");

    /// <summary>Waiting for payment: opened, holding stock, or past its payment window.</summary>
    public bool IsAwaitingPayment => State is OrderState.Opened or OrderState.Held or OrderState.Expired;

    /// <summary>True while an attempt holds the order exclusively (see <c>CardKeyDelivery</c>).</summary>
    public bool IsLeasedAt(DateTimeOffset now) => LeaseUntil > now;

    /// <summary>The supplier currently asked (top-ups and redemptions).</summary>
    public string? Supplier { get; init; }

    /// <summary>Our idempotency key at <see cref="Supplier"/>; stored before the first submit.</summary>
    public string? ClientReference { get; init; }

    /// <summary>How many client references we have used: each new one follows a confirmed failure.</summary>
    public int SubmitCount { get; init; }

    public string? SupplierReference { get; init; }

    /// <summary>Card keys: how many codes the purchase under <see cref="ClientReference"/> buys (local stock served the rest).</summary>
    public int CodesBuying { get; init; }

    /// <summary>When an unknown outcome stops being reconciled automatically.</summary>
    public DateTimeOffset? ReconcileBy { get; init; }

    public int ReconcileCount { get; init; }

    /// <summary>The partner's callback about the order's final state: <c>retrying</c>, <c>sent</c> or <c>dead-lettered</c>; null until the first attempt.</summary>
    public string? NotificationStatus { get; init; }

    public int NotificationAttempts { get; init; }

    public string? NotificationError { get; init; }

    /// <summary>
    /// Card keys: when an attempt first set out to claim keys for the order. Written (ETag-conditional) before any
    /// claim, so an order without it has no reservations anywhere: only orders with it need their shards searched.
    /// </summary>
    public DateTimeOffset? ClaimStartedAt { get; init; }

    /// <summary>Why a failed order failed, as a <see cref="PartnerReason"/> code partners may see.</summary>
    public string? FailureCode { get; init; }

    /// <summary>When the order reached its final state: the time of its redemption-log entry.</summary>
    public DateTimeOffset? FinalAt { get; init; }

    /// <summary>
    /// The order with a new outcome to tell the partner (final at <paramref name="finalAt"/>, or none yet): the last
    /// notification's status and attempts start again, so the new state is sent, not taken for the one already told.
    /// </summary>
    public Order WithNewOutcome(DateTimeOffset? finalAt) =>
        this with { FinalAt = finalAt, NotificationStatus = null, NotificationAttempts = 0, NotificationError = null };

    /// <summary>States the partner is told about.</summary>
    public bool IsTerminal => State is OrderState.Delivered or OrderState.Failed or OrderState.NeedsAttention
        or OrderState.Cancelled or OrderState.Refunded or OrderState.Disputed or OrderState.RefusedByRisk or OrderState.Refused;

    /// <summary>States the partner is told about: the final ones, and an order held for review (its payment is taken, the partner may refund).</summary>
    public bool IsToldToPartner => IsTerminal || State == OrderState.HeldForReview;

    /// <summary>
    /// Decided by the shop's risk rules: held for review, refused by risk when paid, or refused by ops. Such an order is
    /// published (partner told, log written) by its fulfilment message, not fulfilled; until then the sweep keeps it.
    /// </summary>
    public bool IsDecidedByRisk => State is OrderState.HeldForReview or OrderState.RefusedByRisk or OrderState.Refused;

    /// <summary>When the order was last held for review; null if it never was.</summary>
    public DateTimeOffset? HeldForReviewAt => StateChanges.LastOrDefault(c => c.State == OrderState.HeldForReview)?.At;

    /// <summary>
    /// The order counts against the shop's risk limits: it went ahead (paid, in fulfilment or review, delivered) and was
    /// not given back. Refunded in part, it still counts: a small refund must not free a buyer's whole limit.
    /// </summary>
    public bool CountsForRisk => !IsAwaitingPayment && State is not (OrderState.RefusedByRisk or OrderState.Refused or OrderState.Cancelled
        or OrderState.Disputed or OrderState.Failed) && !(State == OrderState.Refunded && IsFullyReversed);

    /// <summary>How much of the payment the provider has given back so far (refunds, or a dispute's amount).</summary>
    public decimal RefundedAmount { get; init; }

    /// <summary>The units the reversals cover: the whole order once it is refunded in full or disputed.</summary>
    public int RefundedQuantity => IsFullyReversed ? Quantity : (int)Math.Floor(RefundedAmount / (Amount / Quantity));

    /// <summary>The whole payment went back: refunded in full, or disputed.</summary>
    public bool IsFullyReversed => ReversalKind == Orders.ReversalKind.Dispute || (ReversalKind is not null && RefundedAmount >= Amount);

    /// <summary><c>refund</c> or <c>dispute</c>, once the payment was reversed at all; null until then.</summary>
    public string? ReversalKind { get; init; }

    /// <summary>The provider's ids of the reversals recorded (a second notice of one is a duplicate).</summary>
    public IReadOnlyList<string> Reversals { get; init; } = [];

    /// <summary>What the partner told us of the buyer for its risk rules: the keyed hashes of the e-mail and phone (never the plain values), the IP, a risk score 0-100.</summary>
    public BuyerSignals Signals { get; init; } = BuyerSignals.None;

    /// <summary>The risk counters (<c>RiskCounterKeys</c> keys) the order holds slots in while it counts; given back when it stops counting.</summary>
    public IReadOnlyList<string> RiskCounters { get; init; } = [];

    /// <summary>The risk rule that held or refused the order (a stable code partners see), and its figures ("3 units in 24 h, limit 2").</summary>
    public string? RiskRule { get; init; }

    public string? RiskDetail { get; init; }

    /// <summary>Every state the order entered, oldest first (the newest <see cref="MaxStateChanges"/>); kept by <see cref="OrderBook"/>.</summary>
    public IReadOnlyList<OrderStateChange> StateChanges { get; init; } = [];

    public const int MaxStateChanges = 100;

    /// <summary>Every supplier call, oldest first.</summary>
    public IReadOnlyList<OrderAttempt> History { get; init; } = [];

    /// <summary>Names the order across partners: the reference stored on the keys reserved for it.</summary>
    public string Reference => $"{PartnerId}|{OrderId}";

    /// <summary>True when both ask for the same goods for the same buyer (opening it again, not a conflict).</summary>
    public bool SameRequestAs(Order other) =>
        Sku == other.Sku && Quantity == other.Quantity && BuyerReference == other.BuyerReference && TargetAccount == other.TargetAccount;

    /// <summary>True when both describe the same purchase (a duplicate, not a conflict).</summary>
    public bool SamePurchaseAs(Order other) =>
        Sku == other.Sku && Quantity == other.Quantity && Amount == other.Amount && Currency == other.Currency
        && BuyerReference == other.BuyerReference && TargetAccount == other.TargetAccount;
}
