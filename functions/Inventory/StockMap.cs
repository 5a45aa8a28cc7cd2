using Azure;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace Fulfilment.Inventory;

/// <summary>
/// The SKU's stock map: one row (partition <c>{sku}</c>, row <c>shards</c>) marking each shard that may have keys in
/// stock, so claims go straight to a shard with stock and an empty SKU is known from one read, not by asking every
/// shard. It is a superset of the truth, kept so by ordering:
/// <list type="bullet">
/// <item>whoever puts keys into a shard (import, keys given back) writes them first and marks the shard afterwards;</item>
/// <item>a shard is unmarked only by reading the map, <em>then</em> finding the shard's count at zero, then writing the
/// map conditional on the ETag read. Keys put in after that read changed the map's ETag when marked, so the unmarking
/// fails and is tried again; keys put in before it are seen by the count.</item>
/// </list>
/// Claims may pick shards from a copy up to a second old; only a fresh read can say a SKU is empty.
/// </summary>
internal sealed class StockMap(TableServiceClient tables, IMemoryCache cache)
{
    private const string MapRow = "shards";
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(1);
    private readonly TableClient table = tables.GetTableClient(TableNames.CardKeys);
    private readonly Lock gate = new();
    private readonly Dictionary<(string Sku, int Shard), Task<StockMapState>> unmarking = new();

    /// <summary>The map, possibly up to a second old: good for choosing where to look, not for concluding there is no stock.</summary>
    public async Task<StockMapState> GetRecentAsync(string sku, CancellationToken cancellationToken) =>
        cache.TryGetValue(("stock-map", sku), out StockMapState? recent) ? recent! : await GetFreshAsync(sku, cancellationToken);

    public async Task<StockMapState> GetFreshAsync(string sku, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(sku, MapRow, cancellationToken: cancellationToken);
        var state = row.HasValue
            ? new StockMapState(row.Value!.GetString("WithStock") ?? "", row.Value.GetBoolean("LowStockAlerted") ?? false, row.Value.ETag)
            : new StockMapState("", false, null);
        return Remember(sku, state);
    }

    /// <summary>Marks shards that were just given keys. Call after the keys are written.</summary>
    public async Task MarkStockedAsync(string sku, IReadOnlyCollection<int> shards, CancellationToken cancellationToken)
    {
        if (shards.Count == 0)
        {
            return;
        }

        while (true)
        {
            var map = await GetFreshAsync(sku, cancellationToken);
            if (shards.All(map.MayHaveStock))
            {
                return;
            }

            var marks = map.WithStock.PadRight(shards.Max() + 1, '0').ToCharArray();
            foreach (var shard in shards)
            {
                marks[shard] = '1';
            }

            if (await TryWriteAsync(sku, map with { WithStock = new string(marks) }, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Unmarks a shard a claimer found empty, unless keys came back to it meanwhile; answers the map after. The claims of
    /// one transaction learn together that their shard is empty: on this instance they share one unmarking (one read of
    /// the map and the counts, one write), rather than each reading both and all but one losing the write.
    /// </summary>
    public Task<StockMapState> MarkEmptyAsync(Sku sku, int shard, Func<int, CancellationToken, Task<ShardCounts>> readCounts, CancellationToken cancellationToken)
    {
        var key = (sku.Id, shard);
        Task<StockMapState> shared;
        lock (gate)
        {
            if (!unmarking.TryGetValue(key, out shared!))
            {
                // Not the caller's cancellation: the others waiting for it must not fail with it.
                shared = UnmarkAsync(sku, shard, readCounts);
                unmarking[key] = shared;
                shared.ContinueWith(_ => Forget(key, shared), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }

        return shared.WaitAsync(cancellationToken);
    }

    private void Forget((string, int) key, Task<StockMapState> done)
    {
        lock (gate)
        {
            if (unmarking.TryGetValue(key, out var current) && current == done)
            {
                unmarking.Remove(key);
            }
        }
    }

    private async Task<StockMapState> UnmarkAsync(Sku sku, int shard, Func<int, CancellationToken, Task<ShardCounts>> readCounts)
    {
        while (true)
        {
            var map = await GetFreshAsync(sku.Id, CancellationToken.None);
            if (!map.MayHaveStock(shard) || (await readCounts(shard, CancellationToken.None)).Available > 0)
            {
                return map;
            }

            var marks = map.WithStock.ToCharArray();
            marks[shard] = '0';
            var emptied = map with { WithStock = new string(marks) };
            if (await TryWriteAsync(sku.Id, emptied, CancellationToken.None))
            {
                return emptied;
            }
        }
    }

    /// <summary>Sets or clears the low-stock flag if it is not so already; true if this call changed it.</summary>
    public async Task<bool> TrySetLowStockAlertedAsync(string sku, bool alerted, CancellationToken cancellationToken)
    {
        while (true)
        {
            var map = await GetFreshAsync(sku, cancellationToken);
            if (map.LowStockAlerted == alerted)
            {
                return false;
            }

            if (await TryWriteAsync(sku, map with { LowStockAlerted = alerted }, cancellationToken))
            {
                return true;
            }
        }
    }

    private async Task<bool> TryWriteAsync(string sku, StockMapState next, CancellationToken cancellationToken)
    {
        var row = new TableEntity(sku, MapRow) { ["WithStock"] = next.WithStock, ["LowStockAlerted"] = next.LowStockAlerted };
        try
        {
            var response = next.ETag is { } etag
                ? await table.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken)
                : await table.AddEntityAsync(row, cancellationToken);
            Remember(sku, next with { ETag = response.Headers.ETag });
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    private StockMapState Remember(string sku, StockMapState state) => cache.Set(("stock-map", sku), state, CacheLifetime);
}
