using Azure;

namespace Fulfilment.Orders;

internal static class OrderState
{
    /// <summary>Written by the payment webhook; fulfilment is queued.</summary>
    public const string Paid = "paid";

    /// <summary>Not enough keys in stock; fulfilled, oldest first, when keys are imported.</summary>
    public const string AwaitingStock = "awaiting-stock";

    /// <summary>The order has everything it paid for.</summary>
    public const string Delivered = "delivered";

    /// <summary>The SKU's kind has no fulfilment yet.</summary>
    public const string Unsupported = "unsupported";
}

/// <summary>A card key bound to an order: which inventory partition (shard) holds it and its key id.</summary>
internal sealed record KeyRef(int Shard, string KeyId)
{
    public override string ToString() => $"{Shard}:{KeyId}";

    public static KeyRef Parse(string text)
    {
        var colon = text.IndexOf(':');
        return new KeyRef(int.Parse(text.AsSpan(0, colon), System.Globalization.CultureInfo.InvariantCulture), text[(colon + 1)..]);
    }
}

/// <summary>A paid order of one SKU for one buyer.</summary>
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
    string WebhookId,
    string State,
    string? StateReason,
    IReadOnlyList<KeyRef> Keys,
    DateTimeOffset PaidAt,
    DateTimeOffset? DeliveredAt,
    ETag ETag,
    DateTimeOffset? LeaseUntil = null)
{
    /// <summary>An attempt that may give keys back holds the order this long at most.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    /// <summary>True while an attempt holds the order exclusively (see <c>CardKeyDelivery</c>).</summary>
    public bool IsLeasedAt(DateTimeOffset now) => LeaseUntil > now;

    /// <summary>Names the order across partners: the reference stored on the keys reserved for it.</summary>
    public string Reference => $"{PartnerId}|{OrderId}";

    /// <summary>True when both describe the same purchase (a duplicate, not a conflict).</summary>
    public bool SamePurchaseAs(Order other) =>
        Sku == other.Sku && Quantity == other.Quantity && Amount == other.Amount && Currency == other.Currency
        && BuyerReference == other.BuyerReference && TargetAccount == other.TargetAccount;
}
