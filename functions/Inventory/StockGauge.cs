using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Storage;

namespace Fulfilment.Inventory;

/// <summary>
/// The metric <c>fulfilment.stock.available</c>: card keys in stock per SKU (tag <c>sku</c>), as last read. Every full
/// read of a SKU's stock on this instance (ops, the low-stock watch, an order short of keys) updates it; when it is
/// collected (an exporter is configured) and the last survey is older than <see cref="SurveyInterval"/>, every card-key
/// SKU's counts are read again in the background, one point read per shard. Nothing is read while nobody collects.
/// </summary>
internal sealed class StockGauge
{
    public static readonly TimeSpan SurveyInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, int> available = new();
    private readonly TableClient table;
    private readonly SkuCatalogue catalogue;
    private readonly TimeProvider clock;
    private readonly ILogger<StockGauge> logger;
    private long surveyedAtTicks = DateTimeOffset.MinValue.UtcTicks;
    private int surveying;

    public StockGauge(TableServiceClient tables, SkuCatalogue catalogue, TimeProvider clock, IMeterFactory meters, ILogger<StockGauge> logger)
    {
        table = tables.GetTableClient(TableNames.CardKeys);
        this.catalogue = catalogue;
        this.clock = clock;
        this.logger = logger;
        meters.Create(StorageRequestCounter.MeterName).CreateObservableGauge(
            "fulfilment.stock.available", Observe, "{key}", "Card keys in stock per SKU, as last read (surveyed at most once a minute while collected).");
    }

    /// <summary>What a full read of the SKU's stock found.</summary>
    public void Record(StockLevels stock) => available[stock.Sku] = stock.Available;

    private IEnumerable<Measurement<int>> Observe()
    {
        if (clock.GetUtcNow().UtcTicks - Interlocked.Read(ref surveyedAtTicks) >= SurveyInterval.Ticks && Interlocked.CompareExchange(ref surveying, 1, 0) == 0)
        {
            _ = Task.Run(SurveyAsync);
        }

        return available.Select(sku => new Measurement<int>(sku.Value, new KeyValuePair<string, object?>("sku", sku.Key)));
    }

    /// <summary>Reads the counts of every card-key SKU; a SKU that is gone leaves the gauge.</summary>
    private async Task SurveyAsync()
    {
        try
        {
            var skus = (await catalogue.ListAsync(CancellationToken.None)).Where(s => s.Kind == SkuKind.CardKey).ToList();
            foreach (var sku in skus)
            {
                available[sku.Id] = (await ShardCounts.ReadSkuAsync(table, sku, CancellationToken.None)).Available;
            }

            foreach (var gone in available.Keys.Except(skus.Select(s => s.Id)).ToList())
            {
                available.TryRemove(gone, out _);
            }

            Interlocked.Exchange(ref surveyedAtTicks, clock.GetUtcNow().UtcTicks);
        }
        catch (Exception e)
        {
            // A metric must never fail the app: the last values stand, and the next collection tries again.
            logger.LogWarning(e, "Could not survey the stock of the card-key SKUs for the stock metric");
        }
        finally
        {
            Volatile.Write(ref surveying, 0);
        }
    }
}
