using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Fulfilment.Storage;

namespace Fulfilment.Benchmark;

/// <summary>One kind of storage request: table or queue, which one, and the operation.</summary>
internal sealed record StorageOp(string Service, string Resource, string Operation)
{
    public override string ToString() => $"{Service} {Resource} {Operation}";
}

/// <summary>
/// Adds up the <c>fulfilment.storage.requests</c> measurements of one meter factory (one app, or the baseline's clients),
/// as <see cref="StorageRequestCounter"/> records them for every request the Azure SDK sends, the orders the app
/// delivered, and each delivery's time from payment accepted (the app's <c>fulfilment.orders.delivery_time</c>, the
/// histogram production exports). Costs no storage call.
/// </summary>
internal sealed class StorageOpsTally : IDisposable
{
    private const string FinishedOrders = "fulfilment.orders.finished";
    private const string DeliveryTime = "fulfilment.orders.delivery_time";
    private readonly ConcurrentQueue<double> deliveryTimes = new();
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<StorageOp, long> counts = new();
    private long delivered;

    public StorageOpsTally(IMeterFactory scope)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name is StorageRequestCounter.InstrumentName or FinishedOrders or DeliveryTime && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == FinishedOrders)
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "order.state", Value: "delivered" })
                    {
                        Interlocked.Add(ref delivered, value);
                    }
                }

                return;
            }

            string service = "", resource = "", operation = "";
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "storage.service": service = tag.Value as string ?? ""; break;
                    case "storage.resource": resource = tag.Value as string ?? ""; break;
                    case "storage.operation": operation = tag.Value as string ?? ""; break;
                }
            }

            counts.AddOrUpdate(new StorageOp(service, resource, operation), value, (_, n) => n + value);
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == DeliveryTime)
            {
                deliveryTimes.Enqueue(value);
            }
        });
        listener.Start();
    }

    /// <summary>Orders the app has delivered, from its <c>fulfilment.orders.finished</c> metric.</summary>
    public long Delivered => Interlocked.Read(ref delivered);

    /// <summary>Payment accepted → delivered of every order delivered so far, in ms, sorted.</summary>
    public List<double> DeliveryTimes() => deliveryTimes.Order().ToList();

    public IReadOnlyDictionary<StorageOp, long> Snapshot() => new Dictionary<StorageOp, long>(counts);

    public long Count(string service, string resource, string operation) =>
        counts.GetValueOrDefault(new StorageOp(service, resource, operation));

    /// <summary>What happened between two snapshots.</summary>
    public static Dictionary<StorageOp, long> Difference(IReadOnlyDictionary<StorageOp, long> after, IReadOnlyDictionary<StorageOp, long> before) =>
        after.Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(kv => kv.Count > 0)
            .ToDictionary(kv => kv.Key, kv => kv.Count);

    public void Dispose() => listener.Dispose();
}
