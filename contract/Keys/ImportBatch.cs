using System.Globalization;

namespace Fulfilment.Contract;

/// <summary>
/// Which batch an upload of card keys goes into, as the query of <c>POST /api/ops/skus/{sku}/keys</c>: a new batch
/// (who supplied the keys, what one cost, in which currency, when they expire), or an earlier one by its id alone.
/// </summary>
public sealed record ImportBatch(
    string? Supplier = null, decimal? UnitCost = null, string? Currency = null, DateTimeOffset? ExpiresAt = null, string? BatchId = null)
{
    /// <summary>The query string, without its <c>?</c>; empty when nothing is said.</summary>
    public string ToQuery()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("supplier", Supplier);
        Add("unitCost", UnitCost?.ToString(CultureInfo.InvariantCulture));
        Add("currency", Currency);
        Add("expiresAt", ExpiresAt?.ToString("O", CultureInfo.InvariantCulture));
        Add("batchId", BatchId);
        return string.Join('&', parts);
    }
}
