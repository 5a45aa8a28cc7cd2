using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Azure.Data.Tables;
using Fulfilment.Contract;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// kill -9 of the app in the middle of a 500-order burst, Azurite keeping its data on disk: after a restart and the
/// partner re-sending what was never answered, every order is delivered exactly once within 60 s of the restart.
/// The app runs as its own process (the built handler, as the local trigger host runs it), so it can be killed.
/// </summary>
public sealed class KillTests : IAsyncLifetime
{
    private const int Orders = 500;
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "fulfilment-kill-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<string> output = new();
    private readonly List<Process> started = [];
    private Azurite? azurite;

    public async Task InitializeAsync() => azurite = await Azurite.StartAsync(dataDirectory, ports: Azurite.FreePortsForRestarts());

    [Fact]
    public async Task Every_order_accepted_before_a_kill_9_is_delivered_once_within_60_s_of_the_restart()
    {
        var port = Azurite.FreePort();
        var app = StartApp(port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        await WaitUntilServingAsync(http);
        var ops = new OpsClient(new HttpClient { BaseAddress = http.BaseAddress, DefaultRequestHeaders = { Authorization = new("Bearer", LocalApp.OpsKey) } });
        var partner = await ops.CreatePartnerAsync("p-kill", "Crash shop", null);
        const string sku = "sku-kill";
        await ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY");
        await ops.ImportKeysAsync(sku, Scenario.NewCardKeys(Orders));

        // The burst: 32 at a time; the app is killed part-way.
        var webhooks = new PaymentWebhookSender(http);
        var answered = new ConcurrentDictionary<string, HttpStatusCode>();
        var burst = Parallel.ForEachAsync(Enumerable.Range(0, Orders), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            try
            {
                var response = await webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData($"order-{i}", sku, 1, 10m, "CNY", "buyer"), cancellationToken: ct);
                answered[$"order-{i}"] = response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException or IOException)
            {
                // Never answered (a connection made while the app dies can even fail outside HttpClient's own
                // exception): the partner sends it again later.
            }
        });
        // Mid-burst: once a fifth of the orders were accepted (a fixed wait would kill before any, or after all, on a slow or fast machine).
        await Scenario.EventuallyAsync(() => Task.FromResult(answered.Count(a => (int)a.Value is 200 or 201) >= Orders / 5), "a fifth of the burst accepted");
        app.Kill(); // SIGKILL: no shutdown, no lease released
        await app.WaitForExitAsync();
        await burst;
        var acceptedBeforeKill = answered.Count(a => (int)a.Value is 200 or 201);
        Assert.True(acceptedBeforeKill > 0, "some orders were accepted before the kill");

        StartApp(port);
        var restartedAt = Stopwatch.StartNew();
        await WaitUntilServingAsync(http);
        foreach (var i in Enumerable.Range(0, Orders).Where(i => answered.GetValueOrDefault($"order-{i}") is not (HttpStatusCode.OK or HttpStatusCode.Created)))
        {
            var response = await webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData($"order-{i}", sku, 1, 10m, "CNY", "buyer"));
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, $"order-{i} re-sent: {response.StatusCode}");
        }

        var orders = new TableClient(azurite!.ConnectionString, "Orders");
        List<TableEntity> rows = [];
        await Scenario.EventuallyAsync(async () =>
        {
            rows = await orders.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {"p-kill|"} and PartitionKey lt {"p-kill}"} and RowKey eq {"order"}")).ToListAsync();
            return rows.Count == Orders && rows.All(r => r.GetString("State") == "delivered");
        }, "every order delivered", TimeSpan.FromSeconds(90));
        var tookAfterRestart = restartedAt.Elapsed;

        var keys = rows.Select(r => r.GetString("Keys")).ToList();
        Assert.All(keys, k => Assert.Single(k.Split(',')));
        Assert.Equal(Orders, keys.Distinct().Count()); // no key sold twice
        StockLevels? stock = null;
        await Scenario.EventuallyAsync(async () => ((stock = await ops.GetStockAsync(sku)).Available, stock.Reserved, stock.Sold) == (0, 0, Orders), "every key sold once");
        Assert.True(tookAfterRestart < TimeSpan.FromSeconds(60),
            $"{acceptedBeforeKill} orders accepted before the kill; all delivered {tookAfterRestart.TotalSeconds:0} s after the restart");
    }

    public async Task DisposeAsync()
    {
        foreach (var process in started)
        {
            // Stopped by the pid we started it with.
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    /// <summary>The built handler, started alone (so its local trigger host runs the queues), settings in the environment.</summary>
    private Process StartApp(int port)
    {
        var folder = AppContext.BaseDirectory;
        var start = new ProcessStartInfo(Path.Combine(folder, "Fulfilment.Functions"))
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
            ["AzureWebJobsStorage"] = azurite!.ConnectionString,
            ["urls"] = $"http://127.0.0.1:{port}",
            ["OrderFulfilmentQueue"] = "order-fulfilment",
            ["RedemptionRetryQueue"] = "redemption-retries",
            ["PartnerNotificationQueue"] = "partner-notifications",
            ["Ops__ApiKey"] = LocalApp.OpsKey,
            ["DevKek__Key"] = LocalApp.DevKek,
            ["Risk__IdentityHashKey"] = LocalApp.IdentityHashKey,
            ["PartnerApi__RequestsPerSecond"] = "100000",
            ["PartnerApi__SourceRequestsPerSecond"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        })
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        started.Add(process);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
            while (output.Count > 200 && output.TryDequeue(out _))
            {
            }
        }
    }

    private async Task WaitUntilServingAsync(HttpClient http) =>
        await Scenario.EventuallyAsync(async () =>
        {
            try
            {
                return (await http.GetAsync("api/openapi.json")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the app serving: " + string.Join('\n', output.TakeLast(5)), TimeSpan.FromSeconds(60));
}
