using System.Collections.Concurrent;
using System.Text.Json;
using Fulfilment.Catalogue;
using Fulfilment.Serialization;
using Fulfilment.Storage;
using Microsoft.Extensions.Options;

namespace Fulfilment.Inventory;

/// <summary>
/// Raises one alert when a SKU's available keys fall to its low-stock threshold: a message on the stock-alerts queue
/// and a warning log line. The SKU's stock map remembers that the alert was raised (set conditionally, so one instance
/// raises it, once); an import that lifts the stock above the threshold re-arms it.
/// <para>
/// Claims only <see cref="Notice"/> that stock went down; the stock is then read in the background, one read at a
/// time per SKU and instance, again as long as claims keep coming, so a flash sale does not read the counts per claim.
/// </para>
/// </summary>
internal sealed class LowStockWatch(StockMap stockMap, QueueMessages queueMessages, IOptions<QueueNames> queues, TimeProvider clock, ILogger<LowStockWatch> logger)
{
    private readonly ConcurrentDictionary<string, Watch> watches = new();

    /// <summary>Keys of the SKU were claimed: check its stock soon.</summary>
    public void Notice(Sku sku, Func<CancellationToken, Task<StockLevels>> readStock)
    {
        if (sku.LowStockThreshold is not { } threshold)
        {
            return;
        }

        var watch = watches.GetOrAdd(sku.Id, _ => new Watch());
        Volatile.Write(ref watch.Pending, 1);
        StartIfIdle(watch, sku.Id, threshold, readStock);
    }

    private void StartIfIdle(Watch watch, string sku, int threshold, Func<CancellationToken, Task<StockLevels>> readStock)
    {
        if (Interlocked.CompareExchange(ref watch.Running, 1, 0) != 0)
        {
            return; // the running check loops again for this claim
        }

        _ = Task.Run(async () =>
        {
            try
            {
                while (Interlocked.Exchange(ref watch.Pending, 0) == 1)
                {
                    await CheckAsync(sku, threshold, await readStock(CancellationToken.None), CancellationToken.None);
                }
            }
            catch (Exception e)
            {
                logger.LogError(e, "Could not check the stock of {Sku} against its low-stock threshold", sku);
            }
            finally
            {
                Volatile.Write(ref watch.Running, 0);
                if (Volatile.Read(ref watch.Pending) == 1)
                {
                    StartIfIdle(watch, sku, threshold, readStock);
                }
            }
        });
    }

    /// <summary>After an import: re-arms the alert if the stock is above the threshold again (or raises it if still low).</summary>
    public Task CheckAsync(Sku sku, StockLevels stock, CancellationToken cancellationToken) =>
        sku.LowStockThreshold is { } threshold ? CheckAsync(sku.Id, threshold, stock, cancellationToken) : Task.CompletedTask;

    private async Task CheckAsync(string sku, int threshold, StockLevels stock, CancellationToken cancellationToken)
    {
        var low = stock.Available <= threshold;
        if (!await stockMap.TrySetLowStockAlertedAsync(sku, low, cancellationToken) || !low)
        {
            return;
        }

        logger.LogWarning("Low stock: {Sku} has {Available} key(s) available, at or below its threshold of {Threshold}", sku, stock.Available, threshold);
        try
        {
            await queueMessages.SendAsync(
                queues.Value.StockAlertsQueue,
                JsonSerializer.Serialize(new { kind = "low-stock", sku, available = stock.Available, threshold, raisedAt = clock.GetUtcNow() }, AppJson.Options),
                cancellationToken);
        }
        catch
        {
            // Not sent: forget that it was raised, so the next check raises it again.
            await stockMap.TrySetLowStockAlertedAsync(sku, false, cancellationToken);
            throw;
        }
    }

    private sealed class Watch
    {
        public int Pending;
        public int Running;
    }
}
