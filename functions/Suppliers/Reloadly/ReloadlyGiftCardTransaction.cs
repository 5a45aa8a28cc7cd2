namespace Fulfilment.Suppliers.Reloadly;

/// <summary>A Reloadly gift-card order, as <c>POST /orders</c> and the transactions report answer it (the fields we read).</summary>
internal sealed record ReloadlyGiftCardTransaction(long? TransactionId, string? Status, string? CustomIdentifier, ReloadlyGiftCardTransaction.Bought? Product)
{
    /// <summary>What the order bought: the product, how many cards, at what price each.</summary>
    internal sealed record Bought(long? ProductId, int? Quantity, decimal? UnitPrice);
}
