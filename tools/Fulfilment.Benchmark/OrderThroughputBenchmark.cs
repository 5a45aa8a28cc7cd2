using System.Diagnostics.Metrics;
using System.Globalization;
using Azure.Data.Tables;
using Fulfilment.Contract;
using Fulfilment.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fulfilment.Benchmark;

/// <summary>
/// N signed webhooks for a card-key SKU through the app (local trigger host) until all N are delivered, against the
/// storage-only baseline. Phases alternate, baseline then product, each on a fresh Azurite, for a number of rounds;
/// every request to storage is counted by the SDK pipeline (<see cref="Fulfilment.Storage.StorageRequestCounter"/>).
/// Ends with one line: <c>ratio &lt;median&gt; (min &lt;a&gt;, max &lt;b&gt;) ops/order &lt;product&gt; vs &lt;baseline&gt;</c>.
/// With <c>--risk-rules</c> the baseline is the app itself without risk rules, and the product has five rules on the
/// SKU (<see cref="FiveRules"/>), each buyer paying within its limits, so every order is still delivered.
/// </summary>
internal static class OrderThroughputBenchmark
{
    private const string Sku = "bench-card";
    private const string FulfilmentQueue = "order-fulfilment";

    private sealed record Phase(double OrdersPerSecond, Dictionary<StorageOp, long> Ops, int Orders)
    {
        public double OpsPerOrder => (double)Ops.Values.Sum() / Orders;
    }

    /// <summary>Five rules, all evaluated for every order: a quantity cap, a buyer's limit per day and over a lifetime (counted exactly), blocklists, review thresholds.</summary>
    public static readonly RiskRulesDocument FiveRules = new(
        MaxQuantity: 5,
        BuyerLimit: new BuyerLimitRule(2, 86400),
        BuyerLifetimeLimit: 10,
        Blocklist: new BlocklistRule(BuyerReferences: ["scalper-1", "scalper-2"], Emails: ["scalper@example.com"], IpRanges: ["203.0.113.0/24", "2001:db8::/32"]),
        Review: new ReviewRule("CNY", AmountAbove: 1000m, RiskScoreAbove: 90));

    public static async Task<int> RunAsync(int orders, int concurrency, int? rate, int rounds, bool riskRules, CancellationToken cancellationToken)
    {
        Console.WriteLine($"{orders} orders per phase, {concurrency} in flight, {rounds} rounds of baseline then product, " +
            $"each phase on a fresh Azurite; {Environment.ProcessorCount} cores" +
            (riskRules ? "; baseline: the app without risk rules, product: the app with five risk rules on the SKU" : ""));
        // The first phases of a process run on code not yet compiled: warm both up, uncounted.
        await using (var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken))
        {
            Console.WriteLine("Warming up (uncounted)…");
            await StorageBaseline.RunAsync(azurite.ConnectionString, Math.Min(orders, 100), concurrency, cancellationToken);
            if (await RunProductAsync(azurite.ConnectionString, Math.Min(orders, 100), concurrency, null, riskRules, cancellationToken) is null)
            {
                return 1;
            }
        }

        var ratios = new List<double>();
        Phase? baseline = null, product = null;
        List<double> latencies = [];
        for (var round = 1; round <= rounds; round++)
        {
            await using (var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken))
            {
                if (riskRules)
                {
                    baseline = (await RunProductAsync(azurite.ConnectionString, orders, concurrency, rate, rules: false, cancellationToken))?.Phase;
                    if (baseline is null)
                    {
                        return 1;
                    }
                }
                else
                {
                    var (elapsed, ops) = await StorageBaseline.RunAsync(azurite.ConnectionString, orders, concurrency, cancellationToken);
                    baseline = new Phase(orders / elapsed.TotalSeconds, ops, orders);
                }
            }

            await using (var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken))
            {
                var run = await RunProductAsync(azurite.ConnectionString, orders, concurrency, rate, riskRules, cancellationToken);
                if (run is null)
                {
                    return 1;
                }

                (product, latencies) = run.Value;
            }

            ratios.Add(product.OrdersPerSecond / baseline.OrdersPerSecond);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: baseline {baseline.OrdersPerSecond:F0} orders/s, product {product.OrdersPerSecond:F0} deliveries/s, " +
                $"ratio {ratios[^1]:F2}; ops/order {product.OpsPerOrder:F1} vs {baseline.OpsPerOrder:F1}"));
        }

        Console.WriteLine();
        PrintOps("Storage requests per delivered order, last product phase", product!);
        PrintOps("Storage requests per order, last baseline phase", baseline!);
        Console.WriteLine($"Payment accepted → delivered (last product phase, the app's fulfilment.orders.delivery_time): p50 {WebhookLoad.Percentile(latencies, 0.50):F0} ms, " +
            $"p99 {WebhookLoad.Percentile(latencies, 0.99):F0} ms");
        if (rate is > 0)
        {
            Console.WriteLine($"Not comparable with the baseline: webhooks were capped at {rate}/s");
        }

        ratios.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio {Median(ratios):F2} (min {ratios[0]:F2}, max {ratios[^1]:F2}) ops/order {product!.OpsPerOrder:F1} vs {baseline!.OpsPerOrder:F1}"));
        return 0;
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static void PrintOps(string title, Phase phase)
    {
        Console.WriteLine($"{title}: {phase.OpsPerOrder:F2}");
        foreach (var (op, count) in phase.Ops.OrderBy(kv => kv.Key.Service).ThenByDescending(kv => kv.Value))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(double)count / phase.Orders,6:F2}  {op}"));
        }
    }

    private static async Task<(Phase Phase, List<double> LatenciesMs)?> RunProductAsync(
        string connectionString, int orders, int concurrency, int? rate, bool rules, CancellationToken cancellationToken)
    {
        await using var app = await LocalApp.StartAsync(connectionString, logging: l => l.SetMinimumLevel(LogLevel.Warning));
        using var tally = new StorageOpsTally(app.Services.GetRequiredService<IMeterFactory>());
        var ops = new OpsClient(app.CreateClient(LocalApp.OpsKey));
        var partner = await ops.CreatePartnerAsync("bench-shop", "Benchmark shop", cancellationToken: cancellationToken);
        await ops.SaveSkuAsync(Sku, "Benchmark card", "card-key", 10m, "CNY", cancellationToken: cancellationToken);
        // As many spare keys as the baseline has (a fifth more): neither phase ends by emptying its shards.
        foreach (var chunk in Enumerable.Range(0, orders + orders / 5).Chunk(10_000))
        {
            await ops.ImportKeysAsync(Sku, chunk.Select(i => $"BENCH-{i:D8}-{Guid.NewGuid():N}"), cancellationToken);
        }

        if (rules)
        {
            (await ops.SaveRiskRulesAsync(partner.PartnerId, FiveRules, Sku, cancellationToken)).EnsureSuccessStatusCode();
        }

        using var http = app.CreateClient();
        var sender = new PaymentWebhookSender(http);
        var before = tally.Snapshot();
        var started = DateTimeOffset.UtcNow;
        await WebhookLoad.SendAsync(sender, partner, orders, concurrency, rate,
            i => new PaymentData($"order-{i:D7}", Sku, 1, 10m, "CNY", $"buyer-{i}", BuyerEmail: $"buyer-{i}@example.net", BuyerIp: $"198.51.100.{i % 250}", RiskScore: i % 90),
            cancellationToken);

        // Progress from the app's own metrics (orders delivered, fulfilment messages queued and deleted): no storage call
        // of ours competes with the product it measures. The orders and the stock are read once, at the end.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            var (queued, done) = (tally.Count("queue", FulfilmentQueue, "enqueue"), tally.Count("queue", FulfilmentQueue, "delete"));
            if (!Console.IsOutputRedirected)
            {
                Console.Write($"\r  delivered {tally.Delivered}/{orders}   ");
            }

            if ((tally.Delivered >= orders && done >= queued) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200, cancellationToken);
        }

        // What the product finishes shortly after (open-orders rows of delivered orders are removed a second later) is its cost too.
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        var spent = StorageOpsTally.Difference(tally.Snapshot(), before);
        if (!Console.IsOutputRedirected)
        {
            Console.WriteLine();
        }

        var stock = await ops.GetStockAsync(Sku, cancellationToken);
        var ordersTable = new TableServiceClient(connectionString).GetTableClient("Orders");
        var delivered = await ordersTable.QueryAsync<TableEntity>(
            filter: TableClient.CreateQueryFilter($"PartnerId eq {partner.PartnerId} and State eq {"delivered"}"),
            select: ["DeliveredAt", "Keys"], cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        var distinctKeys = delivered.Select(o => o.GetString("Keys")).Distinct().Count();
        if (delivered.Count != orders || distinctKeys != orders || stock.Sold != orders || stock.Reserved != 0)
        {
            Console.Error.WriteLine($"  FAILED: {delivered.Count} of {orders} orders delivered with {distinctKeys} distinct keys; " +
                $"{stock.Sold} keys sold, {stock.Reserved} reserved");
            return null;
        }

        var last = delivered.Max(o => o.GetDateTimeOffset("DeliveredAt")!.Value);
        return (new Phase(orders / (last - started).TotalSeconds, spent, orders), tally.DeliveryTimes());
    }
}
