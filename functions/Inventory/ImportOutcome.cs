namespace Fulfilment.Inventory;

/// <summary>What an import did: lines received and imported into the batch, and those rejected. <see cref="Error"/> says why it stopped early (the keys before it were imported).</summary>
internal sealed record ImportOutcome(string Sku, string BatchId, int Received, int Imported, IReadOnlyList<RejectedKey> Rejected, string? Error = null);
