using System.Diagnostics.Metrics;
using Fulfilment.Storage;

namespace Fulfilment.Orders;

/// <summary>
/// What happens to orders, as metrics of the <c>Fulfilment</c> meter: orders accepted, orders that reached a final
/// state (delivered, failed, needs-attention) by SKU kind, and the time from payment accepted to delivered. Recorded
/// where the order's state is written (ETag-conditional), so each order counts once however often it is retried.
/// </summary>
internal sealed class OrderMetrics
{
    private readonly Counter<long> accepted;
    private readonly Counter<long> finished;
    private readonly Histogram<double> toDelivered;

    public OrderMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(StorageRequestCounter.MeterName);
        accepted = meter.CreateCounter<long>("fulfilment.orders.accepted", "{order}", "Paid orders written, by SKU kind.");
        finished = meter.CreateCounter<long>("fulfilment.orders.finished", "{order}", "Orders that reached a final state, by state and SKU kind.");
        toDelivered = meter.CreateHistogram<double>("fulfilment.orders.delivery_time", "ms", "Payment accepted → delivered, by SKU kind.");
    }

    public void Accepted(Order order) => accepted.Add(1, new KeyValuePair<string, object?>("sku.kind", order.SkuKind));

    /// <summary>The order was just written in a new state: counted if it is final.</summary>
    public void Changed(Order order)
    {
        if (order.State == OrderState.Paid && order.OpenedAt is not null)
        {
            Accepted(order); // an order opened before payment is accepted when it is paid
        }

        if (!order.IsTerminal)
        {
            return;
        }

        finished.Add(1, new KeyValuePair<string, object?>("order.state", order.State), new KeyValuePair<string, object?>("sku.kind", order.SkuKind));
        if (order.State == OrderState.Delivered && order.DeliveredAt is { } deliveredAt)
        {
            toDelivered.Record((deliveredAt - order.PaidTime).TotalMilliseconds, new KeyValuePair<string, object?>("sku.kind", order.SkuKind));
        }
    }
}
