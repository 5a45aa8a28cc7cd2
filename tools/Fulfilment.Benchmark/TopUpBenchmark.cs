using System.Diagnostics;
using Azure.Data.Tables;
using Fulfilment.Contract;
using Fulfilment.Local;
using Fulfilment.SupplierSimulator;
using Microsoft.Extensions.Logging;

namespace Fulfilment.Benchmark;

/// <summary>
/// Direct top-ups through the app (local trigger host) against each protocol's supplier simulator: once with no faults, once
/// with a share of submits timing out after the supplier credited. Prints orders/s, accepted → delivered p50/p99,
/// and checks the simulator's ledger for exactly one credit per order.
/// </summary>
internal static class TopUpBenchmark
{
    private const string SupplierKey = "bench-supplier-key";
    private const string SupplierSecret = "bench-supplier-secret";

    public static async Task<int> RunAsync(int orders, int concurrency, double timeoutShare, int? rate, IReadOnlyList<string> protocols, CancellationToken cancellationToken)
    {
        Console.WriteLine($"Starting Azurite (in memory) and the supplier simulators for {orders} top-ups, {concurrency} in flight");
        await using var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken);
        var failed = false;
        foreach (var protocol in protocols)
        {
            foreach (var (label, faults) in new[]
            {
                ("no faults", SupplierFaults.None),
                ($"{timeoutShare:P0} of submits time out after crediting", new SupplierFaults { TimeoutAfterAccepting = timeoutShare }),
            })
            {
                await using var supplier = await StartSupplierAsync(protocol);
                supplier.Faults = faults;
                Console.WriteLine($"Top-ups through {protocol}, {label}…");
                failed |= !await RunOnceAsync(azurite.ConnectionString, protocol, supplier, orders, concurrency, rate, cancellationToken);
            }
        }

        return failed ? 1 : 0;
    }

    private static async Task<SimulatedSupplier> StartSupplierAsync(string protocol) => protocol switch
    {
        "reloadly" => await ReloadlySimulator.StartAsync(SupplierKey, SupplierSecret, seed: 42),
        "dtone" => await DtOneSimulator.StartAsync(SupplierKey, SupplierSecret, seed: 42),
        _ => await GenericRestSimulator.StartAsync(SupplierKey, seed: 42),
    };

    /// <summary>The app's settings for the simulator, and the SKU's product code in its protocol.</summary>
    private static (Dictionary<string, string?> Settings, string ProductCode) SupplierSettings(string protocol, SimulatedSupplier supplier) => protocol switch
    {
        "reloadly" => (new()
        {
            ["Suppliers:sim:BaseUrl"] = supplier.BaseAddress.ToString(),
            ["Suppliers:sim:AuthUrl"] = supplier.BaseAddress.ToString(),
            ["Suppliers:sim:ClientId"] = SupplierKey,
            ["Suppliers:sim:ClientSecret"] = SupplierSecret,
        }, "NG:341"),
        "dtone" => (new()
        {
            ["Suppliers:sim:BaseUrl"] = new Uri(supplier.BaseAddress, "v1/").ToString(),
            ["Suppliers:sim:ApiKey"] = SupplierKey,
            ["Suppliers:sim:ApiSecret"] = SupplierSecret,
        }, "12345:destination"),
        _ => (new()
        {
            ["Suppliers:sim:BaseUrl"] = supplier.BaseAddress.ToString(),
            ["Suppliers:sim:ApiKey"] = SupplierKey,
        }, "mobile-cny-30"),
    };

    private static async Task<bool> RunOnceAsync(
        string connectionString, string protocol, SimulatedSupplier supplier, int orders, int concurrency, int? rate, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var (supplierSettings, productCode) = SupplierSettings(protocol, supplier);
        var settings = new Dictionary<string, string?>(supplierSettings)
        {
            ["OrderFulfilmentQueue"] = $"bench-{run}",
            ["RedemptionRetryQueue"] = $"bench-{run}-retries",
            ["PartnerNotificationQueue"] = $"bench-{run}-notify",
            ["Suppliers:sim:Protocol"] = protocol,
            ["Suppliers:sim:AttemptTimeoutSeconds"] = "2",
            ["SupplierDelivery:ReconcileFirstDelaySeconds"] = "0.2",
            ["SupplierDelivery:ReconcileMaxDelaySeconds"] = "2",
        };
        await using var app = await LocalApp.StartAsync(
            connectionString,
            settings,
            // The circuit breaker's and the timeouts' warnings are expected here: one line each would drown the figures.
            logging: l => l.SetMinimumLevel(LogLevel.Warning).AddFilter("Polly", LogLevel.Critical).AddFilter("Fulfilment", LogLevel.Error));
        var ops = new OpsClient(app.CreateClient(LocalApp.OpsKey));
        var partner = await ops.CreatePartnerAsync($"bench-{run}", "Benchmark shop", cancellationToken: cancellationToken);
        await ops.SaveSkuAsync("bench-topup", "Mobile 30", "direct-top-up", 30m, "USD", ["sim"], productCode, cancellationToken: cancellationToken);

        using var http = app.CreateClient();
        var sender = new PaymentWebhookSender(http);
        var started = DateTimeOffset.UtcNow;
        var (accepted, _) = await WebhookLoad.SendAsync(sender, partner, orders, concurrency, rate,
            i => new PaymentData($"topup-{i:D7}", "bench-topup", 1, 30m, "USD", $"buyer-{i}", $"+234{i:D10}"), cancellationToken);

        var table = new TableServiceClient(connectionString).GetTableClient("Orders");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        List<TableEntity> done;
        while (true)
        {
            done = await table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartnerId eq {partner.PartnerId} and (State eq {"delivered"} or State eq {"failed"} or State eq {"needs-attention"})"),
                select: ["OrderId", "State", "DeliveredAt"], cancellationToken: cancellationToken).ToListAsync(cancellationToken);
            Console.Write($"\r  finished {done.Count}/{orders}   ");
            if (done.Count == orders || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(500, cancellationToken);
        }

        Console.WriteLine();
        var delivered = done.Where(o => o.GetString("State") == "delivered").ToList();
        var creditsPerOrder = supplier.Ledger.Credited().GroupBy(c => c.ClientReference.Split(':')[1]).ToDictionary(g => g.Key, g => g.Count());
        var doubles = creditsPerOrder.Count(c => c.Value > 1);
        var uncredited = delivered.Count(o => !creditsPerOrder.ContainsKey(o.GetString("OrderId")));
        var elapsed = delivered.Max(o => o.GetDateTimeOffset("DeliveredAt")!.Value) - started;
        var latencies = delivered
            .Select(o => (o.GetDateTimeOffset("DeliveredAt")!.Value - accepted[int.Parse(o.GetString("OrderId")["topup-".Length..], System.Globalization.CultureInfo.InvariantCulture)]).TotalMilliseconds)
            .Order().ToList();
        Console.WriteLine($"  {delivered.Count}/{orders} delivered in {elapsed.TotalSeconds:F2} s = {delivered.Count / elapsed.TotalSeconds:F0} top-ups/s");
        Console.WriteLine($"  accepted → delivered: p50 {WebhookLoad.Percentile(latencies, 0.50):F0} ms, p99 {WebhookLoad.Percentile(latencies, 0.99):F0} ms");
        Console.WriteLine($"  ledger: {supplier.Ledger.Credited().Count} credits, {doubles} orders credited twice, {uncredited} delivered without a credit; {supplier.Submits} submits, {supplier.Queries} queries");
        return delivered.Count == orders && doubles == 0 && uncredited == 0;
    }

}
