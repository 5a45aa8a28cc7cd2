namespace Fulfilment.Contract;

/// <summary>An import batch: where its keys came from, what one cost, when they expire, and its keys by state.</summary>
public sealed record KeyBatch(
    string BatchId, string? Supplier, decimal? UnitCost, string Currency, DateTimeOffset ImportedAt, DateTimeOffset? ExpiresAt, bool Expired,
    int Imported, int Available, int Reserved, int Sold, int Void);
