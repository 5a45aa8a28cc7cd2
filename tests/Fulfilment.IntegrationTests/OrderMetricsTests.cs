using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Fulfilment.Orders;

namespace Fulfilment.IntegrationTests;

/// <summary>The order metrics count each order once, however often its fulfilment runs.</summary>
[Collection(StorageCollection.Name)]
public sealed class OrderMetricsTests(StorageFixture storage)
{
    [Fact]
    public async Task A_delivered_order_counts_once_though_its_fulfilment_is_requested_again()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var measured = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        var scope = scenario.Service<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Name.StartsWith("fulfilment.orders.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measured.AddOrUpdate(Key(instrument, tags), value, (_, n) => n + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measured.AddOrUpdate(Key(instrument, tags), 1, (_, n) => n + 1));
        listener.Start();

        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
        await scenario.PayAsync(partner, sku, "order-1");
        await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        await scenario.Service<FulfilmentRequests>().RequestAsync(partner.PartnerId, "order-1", default);
        await scenario.PayAsync(partner, sku, "order-1"); // a duplicate webhook
        await Scenario.EventuallyAsync(
            async () => await scenario.Service<Azure.Storage.Queues.QueueServiceClient>().GetQueueClient(scenario.Queue).GetPropertiesAsync() is { Value.ApproximateMessagesCount: 0 },
            "the repeated requests handled");

        Assert.Equal(1, measured.GetValueOrDefault("fulfilment.orders.accepted card-key"));
        Assert.Equal(1, measured.GetValueOrDefault("fulfilment.orders.finished delivered card-key"));
        Assert.Equal(1, measured.GetValueOrDefault("fulfilment.orders.delivery_time card-key"));
    }

    private static string Key(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var values = new List<string> { instrument.Name };
        foreach (var tag in tags)
        {
            if (tag.Key == "order.state")
            {
                values.Add(tag.Value as string ?? "");
            }
        }

        foreach (var tag in tags)
        {
            if (tag.Key == "sku.kind")
            {
                values.Add(tag.Value as string ?? "");
            }
        }

        return string.Join(' ', values);
    }
}
