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

    [Fact]
    public async Task Stock_per_SKU_is_surveyed_when_collected_and_follows_every_read_of_the_stock()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(5));
        var empty = await scenario.NewCardKeySkuAsync();
        var available = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener();
        var scope = scenario.Service<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Name == "fulfilment.stock.available")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "sku")
                {
                    available[(string)tag.Value!] = value;
                }
            }
        });
        _ = scenario.Service<Inventory.CardKeyInventory>(); // the gauge comes with the inventory
        listener.Start();

        // The first collection starts a survey of every card-key SKU; a later one reports what it found.
        await Scenario.EventuallyAsync(() =>
        {
            listener.RecordObservableInstruments();
            return Task.FromResult(available.GetValueOrDefault(sku) == 5 && available.TryGetValue(empty, out var none) && none == 0);
        }, "the stock surveyed");

        // Within the survey interval, every full read of the stock updates the gauge.
        var catalogued = (await scenario.Service<Catalogue.SkuCatalogue>().FindAsync(sku, default))!;
        Assert.Equal(2, (await scenario.Service<Inventory.CardKeyInventory>().ClaimAsync(catalogued, "p|order-1", 2, default)).Count);
        Assert.Equal(3, (await scenario.Ops.GetStockAsync(sku)).Available);
        listener.RecordObservableInstruments();
        Assert.Equal(3, available[sku]);
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
