using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Fulfilment.Serialization;
using Fulfilment.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace Fulfilment.Catalogue;

/// <summary>SKUs in Table Storage, cached briefly per instance.</summary>
internal sealed class SkuCatalogue(TableServiceClient tables, IMemoryCache cache)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private const string SkuRow = "sku";
    private readonly TableClient table = tables.GetTableClient(TableNames.Skus);

    /// <summary>The SKU as stored now, not as cached: for imports, which must know the current shard counts.</summary>
    public async Task<Sku?> FindFreshAsync(string id, CancellationToken cancellationToken)
    {
        cache.Remove(("sku", id));
        return await FindAsync(id, cancellationToken);
    }

    public Task<Sku?> FindAsync(string id, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(("sku", id), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheLifetime;
            var entity = await table.GetEntityIfExistsAsync<TableEntity>(id, SkuRow, cancellationToken: cancellationToken);
            return entity.HasValue ? FromEntity(entity.Value!) : null;
        });

    /// <summary>Every SKU, by id.</summary>
    public async Task<IReadOnlyList<Sku>> ListAsync(CancellationToken cancellationToken)
    {
        var skus = new List<Sku>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.RowKey == SkuRow, cancellationToken: cancellationToken))
        {
            skus.Add(FromEntity(entity));
        }

        return skus;
    }

    /// <summary>
    /// Creates or updates a SKU. An existing SKU keeps its shard count unless <paramref name="shardCount"/> asks for
    /// another; the old count is remembered, since the keys imported under it stay where they are.
    /// </summary>
    public async Task<Sku> SaveAsync(Sku sku, int? shardCount, CancellationToken cancellationToken, bool? caseSensitiveKeys = null)
    {
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(sku.Id, SkuRow, cancellationToken: cancellationToken);
        var saved = sku with { ShardCount = shardCount ?? sku.ShardCount, CaseSensitiveKeys = caseSensitiveKeys ?? true };
        if (existing.HasValue)
        {
            var before = FromEntity(existing.Value!);
            saved = saved with
            {
                ShardCount = shardCount ?? before.ShardCount,
                CaseSensitiveKeys = caseSensitiveKeys ?? before.CaseSensitiveKeys,
                PastShardCounts = shardCount is { } count && count != before.ShardCount
                    ? before.PastShardCounts.Append(before.ShardCount).Distinct().Order().ToList()
                    : before.PastShardCounts,
            };
        }

        await table.UpsertEntityAsync(
            new TableEntity(saved.Id, SkuRow)
            {
                ["Name"] = saved.Name,
                ["Kind"] = saved.Kind,
                ["UnitPrice"] = saved.UnitPrice.ToString(CultureInfo.InvariantCulture),
                ["Currency"] = saved.Currency,
                ["ShardCount"] = saved.ShardCount,
                ["PastShardCounts"] = string.Join(',', saved.PastShardCounts),
                ["LowStockThreshold"] = saved.LowStockThreshold,
                ["Suppliers"] = string.Join(',', saved.Suppliers),
                ["ProductCode"] = saved.ProductCode,
                ["SupplierProducts"] = saved.SupplierProducts.Count == 0 ? null : JsonSerializer.Serialize(saved.SupplierProducts, AppJson.Options),
                ["UnitCost"] = saved.UnitCost?.ToString(CultureInfo.InvariantCulture),
                ["DailyCodeSpendCap"] = saved.DailyCodeSpendCap?.ToString(CultureInfo.InvariantCulture),
                ["CaseSensitiveKeys"] = saved.CaseSensitiveKeys,
                ["HoldStock"] = saved.HoldStock,
            },
            TableUpdateMode.Replace,
            cancellationToken);
        cache.Remove(("sku", saved.Id));
        return saved;
    }

    private static Sku FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Name"),
        e.GetString("Kind"),
        decimal.Parse(e.GetString("UnitPrice"), CultureInfo.InvariantCulture),
        e.GetString("Currency"),
        e.GetInt32("ShardCount") ?? 1)
    {
        Suppliers = (e.GetString("Suppliers") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
        ProductCode = e.GetString("ProductCode"),
        SupplierProducts = e.GetString("SupplierProducts") is { Length: > 0 } products
            ? JsonSerializer.Deserialize<List<SupplierProduct>>(products, AppJson.Options)!
            : [],
        UnitCost = e.GetString("UnitCost") is { Length: > 0 } cost ? decimal.Parse(cost, CultureInfo.InvariantCulture) : null,
        DailyCodeSpendCap = e.GetString("DailyCodeSpendCap") is { Length: > 0 } cap ? decimal.Parse(cap, CultureInfo.InvariantCulture) : null,
        PastShardCounts = (e.GetString("PastShardCounts") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList(),
        LowStockThreshold = e.GetInt32("LowStockThreshold"),
        CaseSensitiveKeys = e.GetBoolean("CaseSensitiveKeys") ?? true,
        HoldStock = e.GetBoolean("HoldStock") ?? false,
    };
}
