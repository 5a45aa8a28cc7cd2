using System.Net;
using System.Net.Http.Json;
using Fulfilment.Contract;
using Fulfilment.Local;
using Microsoft.Extensions.Logging;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// Storage goes away for two minutes with orders in flight (Azurite stopped, then started again on the same data and
/// ports): nothing is poisoned, every order is delivered once storage is back, and no key is sold twice.
/// Its own Azurite, kept on disk, so the shared one is never stopped.
/// </summary>
public sealed class OutageTests : IAsyncLifetime
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "fulfilment-outage-" + Guid.NewGuid().ToString("N"));
    private Azurite? azurite;

    public async Task InitializeAsync() => azurite = await Azurite.StartAsync(dataDirectory, ports: Azurite.FreePortsForRestarts());

    [Fact]
    public async Task Two_minutes_without_storage_poison_nothing_and_every_order_is_delivered_after()
    {
        var logs = new CapturedLogs();
        var queue = "fulfil-" + Guid.NewGuid().ToString("N")[..12];
        await using var app = await LocalApp.StartAsync(azurite!.ConnectionString, new Dictionary<string, string?> { ["OrderFulfilmentQueue"] = queue, ["PartnerApi:RequestsPerSecond"] = "100000" }, l => l.AddProvider(logs));
        var ops = new OpsClient(app.CreateClient(LocalApp.OpsKey));
        var webhooks = new PaymentWebhookSender(app.CreateClient());
        var partner = await ops.CreatePartnerAsync("p-outage", "Outage shop", null);
        const string sku = "sku-outage";
        await ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY");
        await ops.ImportKeysAsync(sku, Scenario.NewCardKeys(400));

        // Orders keep coming, 20 a second, before, during and after the outage; those answered 201 must all be delivered.
        var accepted = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stopSending = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            for (var i = 0; !stopSending.IsCancellationRequested; i++)
            {
                try
                {
                    var response = await webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData($"order-{i}", sku, 1, 10m, "CNY", "buyer"));
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        accepted.Enqueue($"order-{i}");
                    }
                }
                catch (HttpRequestException)
                {
                    // Not answered: a partner would send it again.
                }

                await Task.Delay(50);
            }
        });
        await Scenario.EventuallyAsync(() => Task.FromResult(accepted.Count >= 20), "20 orders accepted before the outage");

        // Storage goes away with orders in flight, and stays away for two minutes.
        var ports = azurite.Ports;
        await azurite.StopAsync();
        await Task.Delay(TimeSpan.FromMinutes(2)); // the outage itself
        azurite = await Azurite.StartAsync(dataDirectory, ports: ports);
        var beforeRestart = accepted.Count;
        await Scenario.EventuallyAsync(() => Task.FromResult(accepted.Count >= beforeRestart + 20), "20 orders accepted after the outage", TimeSpan.FromSeconds(60));
        await stopSending.CancelAsync();
        await sending;
        var orderIds = accepted.ToList();

        using var partnerClient = app.CreateClient(partner.ApiKey);
        string[] states = [];
        try
        {
            await Scenario.EventuallyAsync(async () =>
            {
                states = await Task.WhenAll(orderIds.Select(async id =>
                    (await partnerClient.GetFromJsonAsync<PartnerOrder>($"api/partners/{partner.PartnerId}/orders/{id}"))!.State));
                return states.All(s => s == "delivered");
            }, "every order delivered after storage came back", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"states: {string.Join(", ", states.GroupBy(s => s).Select(g => $"{g.Key} {g.Count()}"))}; last warnings:\n"
                + string.Join('\n', logs.Lines.Where(l => !l.StartsWith("Information", StringComparison.Ordinal) && !l.StartsWith("Debug", StringComparison.Ordinal)).TakeLast(8)
                    .Select(l => l.Length > 400 ? l[..400] : l)));
        }

        // Delivered means bound to the order; marking the keys sold follows (after the outage, maybe on a redelivery).
        // Every order written (those answered 201, and any whose answer the outage cut off) is delivered, each with its
        // own key, and the stock agrees: no key lost, none sold twice.
        var orders = new Azure.Data.Tables.TableClient(azurite.ConnectionString, "Orders");
        List<Azure.Data.Tables.TableEntity> written = [];
        await Scenario.EventuallyAsync(async () =>
        {
            written = await orders.QueryAsync<Azure.Data.Tables.TableEntity>(
                Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey ge {"p-outage|"} and PartitionKey lt {"p-outage}"} and RowKey eq {"order"}")).ToListAsync();
            return written.All(o => o.GetString("State") == "delivered");
        }, "every written order delivered", TimeSpan.FromSeconds(60));
        Assert.Equal(written.Count, written.Select(o => o.GetString("Keys")).Distinct().Count());
        StockLevels? stock = null;
        await Scenario.EventuallyAsync(async () => ((stock = await ops.GetStockAsync(sku)).Available, stock.Reserved, stock.Sold) == (400 - written.Count, 0, written.Count),
            "every key sold once", TimeSpan.FromSeconds(60));
        var poison = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, queue + "-poison");
        Assert.False(await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length > 0, "nothing poisoned");
    }

    public async Task DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }

        Directory.Delete(dataDirectory, recursive: true);
    }
}

/// <summary>
/// One table of the storage account answers 503 for 45 s while orders are fulfilled (a partial outage: queues work, so
/// each failed try would count towards poison): the invocations wait it out, nothing is poisoned, all are delivered.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class PartialOutageTests(StorageFixture storage)
{
    [Fact]
    public async Task Inventory_table_unavailable_for_45_seconds_poisons_nothing()
    {
        var outage = new TableOutage("CardKeys");
        var withOutage = outage.InTablesOf(storage.ConnectionString);

        string queue;
        CreatedPartner partner;
        string sku;
        await using (var paying = await Scenario.StartAsync(storage, triggerHost: false, replaceServices: withOutage))
        {
            partner = await paying.NewPartnerAsync();
            sku = await paying.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(5));
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(HttpStatusCode.Created, (await paying.PayAsync(partner, sku, $"order-{i}")).StatusCode);
            }

            queue = paying.Queue;
        }

        outage.Begin();
        await using var scenario = await Scenario.StartAsync(storage, queueName: queue, replaceServices: withOutage);
        await Scenario.EventuallyAsync(() => Task.FromResult(outage.Refused >= 5), "fulfilment meeting the outage");
        await Task.Delay(TimeSpan.FromSeconds(45)); // the outage itself
        outage.End();

        for (var i = 0; i < 5; i++)
        {
            await scenario.WaitForStateAsync(partner, $"order-{i}", "delivered", TimeSpan.FromSeconds(60));
        }

        await scenario.WaitForStockAsync(sku, (0, 0, 5));
        // Nothing poisoned by the outage. (Under a loaded suite, Azurite has once answered a SKU read with 404 and an
        // order was poisoned as "SKU no longer exists", then found by the sweep and delivered: not this test's subject.)
        var poisoned = await scenario.Ops.ListPoisonMessagesAsync(queue + "-poison");
        Assert.DoesNotContain(poisoned, p => p.Failure?.Reason is not { } reason || reason.Contains("test outage", StringComparison.Ordinal));
    }
}
