using System.Diagnostics.Metrics;
using Fulfilment.Storage;

namespace Fulfilment.Inventory;

/// <summary>
/// How claims went on this instance: transactions (claims and sales) that won, and those that lost to a concurrent change
/// of the shard; also the metrics <c>fulfilment.claims.transactions</c> and <c>fulfilment.claims.conflicts</c>.
/// </summary>
internal sealed class ClaimStatistics
{
    private long transactions;
    private long conflicts;

    public ClaimStatistics(IMeterFactory meters)
    {
        var meter = meters.Create(StorageRequestCounter.MeterName);
        meter.CreateObservableCounter("fulfilment.claims.transactions", () => Transactions, "{transaction}", "Claim and sale transactions written.");
        meter.CreateObservableCounter("fulfilment.claims.conflicts", () => Conflicts, "{transaction}", "Claim and sale transactions that lost to a concurrent change of their shard.");
    }

    public long Transactions => Interlocked.Read(ref transactions);

    public long Conflicts => Interlocked.Read(ref conflicts);

    public void Won() => Interlocked.Increment(ref transactions);

    public void Lost() => Interlocked.Increment(ref conflicts);
}
