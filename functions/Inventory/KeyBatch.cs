namespace Fulfilment.Inventory;

/// <summary>
/// An import batch: where its keys came from, what each cost, and until when they may be sold. Every key row names
/// its batch; the cost and expiry also travel on the key's in-stock and reservation rows, so a claim can refuse an
/// expired key and a sale can add up the cost of what was sold without reading anything else.
/// </summary>
internal sealed record KeyBatch(
    string Sku, string BatchId, string? Supplier, decimal? UnitCost, string Currency, DateTimeOffset ImportedAt, DateTimeOffset? ExpiresAt, int Imported)
{
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt <= now;
}
