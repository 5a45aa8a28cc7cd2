using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Fulfilment.IntegrationTests;

/// <summary>What the app exports through OpenTelemetry, read with an in-memory exporter.</summary>
[Collection(StorageCollection.Name)]
public sealed class TelemetryTests(StorageFixture storage)
{
    [Fact]
    public async Task One_trace_follows_an_order_from_the_webhook_through_the_queue_to_the_claim_and_the_metrics_count_it()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        await using var scenario = await Scenario.StartAsync(storage, replaceServices: services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
            services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics));
        });
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));

        await scenario.PayAsync(partner, sku, "order-1");
        await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        // The order reads delivered a moment before its fulfilment span ends (and only ended spans are exported).
        List<Activity> ours = [];
        await Scenario.EventuallyAsync(() =>
        {
            scenario.Service<TracerProvider>().ForceFlush();
            lock (spans)
            {
                ours = spans.Where(s => (string?)s.GetTagItem("partner.id") == partner.PartnerId).ToList();
            }

            return Task.FromResult(ours.Any(s => s.DisplayName == "fulfil order"));
        }, "the order's fulfilment span ended");
        scenario.Service<MeterProvider>().ForceFlush();

        var accepted = Assert.Single(ours, s => s.DisplayName == "accept payment");
        var fulfilled = Assert.Single(ours, s => s.DisplayName == "fulfil order");
        var claimed = Assert.Single(ours, s => s.DisplayName == "claim keys");
        Assert.All(new[] { accepted, fulfilled, claimed }, s => Assert.Equal("order-1", s.GetTagItem("order.id")));
        Assert.Equal(accepted.TraceId, fulfilled.TraceId); // carried through the queue message
        Assert.Equal(accepted.SpanId, fulfilled.ParentSpanId);
        Assert.Equal(fulfilled.SpanId, claimed.ParentSpanId);
        Assert.Equal(1, claimed.GetTagItem("keys.claimed"));

        List<Metric> exported;
        lock (metrics)
        {
            exported = [.. metrics];
        }

        Assert.Contains(exported, m => m.Name == "fulfilment.storage.requests");
        var finished = Assert.Single(exported, m => m.Name == "fulfilment.orders.finished");
        var delivered = 0L;
        foreach (ref readonly var point in finished.GetMetricPoints())
        {
            foreach (var tag in point.Tags)
            {
                if (tag is { Key: "order.state", Value: "delivered" })
                {
                    delivered += point.GetSumLong();
                }
            }
        }

        Assert.True(delivered >= 1, "a delivered order is counted");
        Assert.Contains(exported, m => m.Name == "fulfilment.orders.delivery_time");
    }
}
