using System.Text.RegularExpressions;

namespace Fulfilment.Catalogue;

/// <summary>What fulfilment does for a SKU.</summary>
internal static class SkuKind
{
    /// <summary>卡密: one unused key from the SKU's encrypted inventory per unit.</summary>
    public const string CardKey = "card-key";

    /// <summary>直充: credit the buyer's account through a supplier's API.</summary>
    public const string DirectTopUp = "direct-top-up";

    /// <summary>Redeem the goods on a third-party platform on the buyer's behalf.</summary>
    public const string Redemption = "redemption";

    public static readonly string[] All = [CardKey, DirectTopUp, Redemption];
}

/// <summary>A sellable item: its kind, unit price and currency, and over how many partitions new card keys are spread.</summary>
internal sealed record Sku(string Id, string Name, string Kind, decimal UnitPrice, string Currency, int ShardCount)
{
    /// <summary>Top-ups and redemptions: the suppliers to ask, in failover order.</summary>
    public IReadOnlyList<string> Suppliers { get; init; } = [];

    /// <summary>Top-ups and redemptions: the product as the suppliers name it.</summary>
    public string? ProductCode { get; init; }

    /// <summary>What one unit costs us (a key's purchase price, a supplier's price), in <see cref="Currency"/>; null if not told.</summary>
    public decimal? UnitCost { get; init; }

    /// <summary>What we keep per unit sold; null while the cost is unknown.</summary>
    public decimal? UnitMargin => UnitPrice - UnitCost;

    /// <summary>Card keys: shard counts used by earlier imports (keys stay where they were imported).</summary>
    public IReadOnlyList<int> PastShardCounts { get; init; } = [];

    /// <summary>Card keys: how many shard partitions may hold keys, whatever the shard count at their import.</summary>
    public int ShardSlots => PastShardCounts.Append(ShardCount).Max();

    /// <summary>Card keys: when the keys available fall to this many, one alert is raised (until stock rises above it again).</summary>
    public int? LowStockThreshold { get; init; }

    /// <summary>Card keys: whether two keys that differ only in case are two keys (fixed once keys are imported).</summary>
    public bool CaseSensitiveKeys { get; init; } = true;
}

internal static partial class SkuId
{
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    // \z, not $: $ also matches before a final newline.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex Pattern();
}

internal static partial class CurrencyCode
{
    public static bool IsValid(string? code) => code is not null && Pattern().IsMatch(code);

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex Pattern();
}
