using System.Diagnostics;
using Azure.Data.Tables;
using Fulfilment.Local;
using Microsoft.Extensions.Logging;

namespace Fulfilment.Benchmark;

/// <summary>
/// N signed webhooks for a card-key SKU through the app (local trigger host) until all N are delivered, and in
/// the same run the storage-only baseline. Prints deliveries/s, accepted → delivered p50/p99, and the ratio.
/// </summary>
internal static class OrderThroughputBenchmark
{
    public static async Task<int> RunAsync(int orders, int concurrency, int? rate, CancellationToken cancellationToken)
    {
        Console.WriteLine($"Starting Azurite (in memory) for {orders} orders, {concurrency} in flight, on {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken);

        Console.WriteLine("Baseline: storage calls only, straight from a loop…");
        var baseline = await StorageBaseline.RunAsync(azurite.ConnectionString, orders, concurrency, cancellationToken);
        var baselineRate = orders / baseline.TotalSeconds;
        Console.WriteLine($"  {orders} orders in {baseline.TotalSeconds:F2} s = {baselineRate:F0} orders/s");

        Console.WriteLine("Product: signed webhooks → the app → local trigger host → delivered…");
        var product = await RunProductAsync(azurite.ConnectionString, orders, concurrency, rate, cancellationToken);
        if (product is null)
        {
            return 1;
        }

        var (elapsed, latencies) = product.Value;
        var productRate = orders / elapsed.TotalSeconds;
        Console.WriteLine($"  {orders} orders delivered in {elapsed.TotalSeconds:F2} s = {productRate:F0} deliveries/s");
        Console.WriteLine($"  webhook accepted → delivered: p50 {WebhookLoad.Percentile(latencies, 0.50):F0} ms, p99 {WebhookLoad.Percentile(latencies, 0.99):F0} ms");
        var ratio = productRate / baselineRate;
        Console.WriteLine(rate is > 0
            ? $"Ratio product/baseline: {ratio:F2} — not comparable: webhooks were capped at {rate}/s"
            : $"Ratio product/baseline: {ratio:F2} (target ≥ 0.60) {(ratio >= 0.6 ? "met" : "NOT met")}");
        return 0;
    }

    private static async Task<(TimeSpan Elapsed, List<double> LatenciesMs)?> RunProductAsync(
        string connectionString, int orders, int concurrency, int? rate, CancellationToken cancellationToken)
    {
        await using var app = await LocalApp.StartAsync(connectionString, logging: l => l.SetMinimumLevel(LogLevel.Warning));
        var ops = new OpsClient(app.CreateClient(LocalApp.OpsKey));
        var partner = await ops.CreatePartnerAsync("bench-shop", "Benchmark shop", cancellationToken: cancellationToken);
        await ops.SaveSkuAsync("bench-card", "Benchmark card", "card-key", 10m, "CNY", cancellationToken: cancellationToken);
        foreach (var chunk in Enumerable.Range(0, orders).Chunk(10_000))
        {
            await ops.ImportKeysAsync("bench-card", chunk.Select(i => $"BENCH-{i:D8}-{Guid.NewGuid():N}"), cancellationToken);
        }

        using var http = app.CreateClient();
        var sender = new PaymentWebhookSender(http);
        var started = DateTimeOffset.UtcNow;
        var (accepted, _) = await WebhookLoad.SendAsync(sender, partner, orders, concurrency, rate,
            i => new PaymentData($"order-{i:D7}", "bench-card", 1, 10m, "CNY", $"buyer-{i}"), cancellationToken);

        // Progress from the SKU's counts (one point read per shard), never a scan of the Orders table that would compete
        // with the product it measures; the orders are read once, at the end, for the checks and the latencies.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        StockLevels stock;
        while (true)
        {
            stock = await ops.GetStockAsync("bench-card", cancellationToken);
            Console.Write($"\r  sold {stock.Sold}/{orders}   ");
            if ((stock.Sold == orders && stock.Reserved == 0) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(500, cancellationToken);
        }

        Console.WriteLine();
        var ordersTable = new TableServiceClient(connectionString).GetTableClient("Orders");
        var delivered = await ordersTable.QueryAsync<TableEntity>(
            filter: TableClient.CreateQueryFilter($"PartnerId eq {partner.PartnerId} and State eq {"delivered"}"),
            select: ["OrderId", "DeliveredAt", "Keys"], cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        var distinctKeys = delivered.Select(o => o.GetString("Keys")).Distinct().Count();
        Console.WriteLine($"  check: {stock.Sold} keys sold, {distinctKeys} distinct keys across {delivered.Count} orders, {stock.Reserved} reserved");
        if (delivered.Count != orders || distinctKeys != orders || stock.Sold != orders)
        {
            Console.Error.WriteLine("  FAILED: not every order was delivered exactly once with its own key");
            return null;
        }

        var last = delivered.Max(o => o.GetDateTimeOffset("DeliveredAt")!.Value);
        var latencies = delivered
            .Select(o => (o.GetDateTimeOffset("DeliveredAt")!.Value - accepted[int.Parse(o.GetString("OrderId")["order-".Length..], System.Globalization.CultureInfo.InvariantCulture)]).TotalMilliseconds)
            .Select(ms => Math.Max(ms, 0))
            .Order()
            .ToList();
        return (last - started, latencies);
    }

}
