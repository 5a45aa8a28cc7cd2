using Azure;

namespace Fulfilment.Inventory;

/// <summary>Which shards of a SKU may have keys in stock, and whether the low-stock alert has been raised.</summary>
internal sealed record StockMapState(string WithStock, bool LowStockAlerted, ETag? ETag)
{
    public bool MayHaveStock(int shard) => shard < WithStock.Length && WithStock[shard] == '1';

    public bool AnyStock => WithStock.Contains('1');

    public IEnumerable<int> ShardsWithStock => Enumerable.Range(0, WithStock.Length).Where(MayHaveStock);
}
