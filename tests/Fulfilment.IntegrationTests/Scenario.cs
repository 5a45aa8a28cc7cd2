using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fulfilment.Contract;
using Fulfilment.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// A running app on Azurite with its own fulfilment queue (so parallel scenarios never take each other's
/// messages), plus the partner- and ops-side clients a test drives it with.
/// </summary>
public sealed class Scenario : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly List<LocalApp> apps;

    private Scenario(List<LocalApp> apps, string queue, CapturedLogs logs)
    {
        this.apps = apps;
        Queue = queue;
        Logs = logs;
        Http = App.CreateClient();
        Ops = new OpsClient(App.CreateClient(LocalApp.OpsKey));
        Webhooks = new PaymentWebhookSender(Http);
        Stripe = new StripeEventSender(Http);
    }

    public LocalApp App => apps[0];

    public IReadOnlyList<LocalApp> Apps => apps;

    public string Queue { get; }

    public CapturedLogs Logs { get; }

    public HttpClient Http { get; }

    public OpsClient Ops { get; }

    public PaymentWebhookSender Webhooks { get; }

    public StripeEventSender Stripe { get; }

    /// <summary>Starts <paramref name="instances"/> app instances sharing storage and queue (scale-out), or with the trigger host off.</summary>
    public static async Task<Scenario> StartAsync(
        StorageFixture storage,
        int instances = 1,
        bool triggerHost = true,
        string? queueName = null,
        Action<IServiceCollection>? replaceServices = null,
        Dictionary<string, string?>? settings = null)
    {
        var queue = queueName ?? "fulfil-" + Guid.NewGuid().ToString("N")[..12];
        var logs = new CapturedLogs();
        settings = new Dictionary<string, string?>(settings ?? [])
        {
            ["OrderFulfilmentQueue"] = queue,
            ["LocalTriggerHost:Enabled"] = triggerHost.ToString(),
        };
        settings.TryAdd("RedemptionRetryQueue", queue + "-retries");
        settings.TryAdd("PartnerNotificationQueue", queue + "-notify");
        settings.TryAdd("OpsAlertsQueue", queue + "-alerts");
        // Scenarios share one storage account: a sweep would queue other scenarios' orders on this one's queue.
        settings.TryAdd("AzureWebJobs.SweepStalledOrders.Disabled", "true");
        settings.TryAdd("AzureWebJobs.ReleaseExpiredHolds.Disabled", "true"); // likewise, other scenarios' holds
        settings.TryAdd("PartnerApi:RequestsPerSecond", "100000"); // tests poll hard; one test sets its own limit
        settings.TryAdd("PartnerApi:SourceRequestsPerSecond", "100000");
        var apps = new List<LocalApp>();
        for (var i = 0; i < instances; i++)
        {
            apps.Add(await LocalApp.StartAsync(storage.ConnectionString, settings, logging => logging.AddProvider(logs), replaceServices: replaceServices));
        }

        return new Scenario(apps, queue, logs);
    }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public Task<CreatedPartner> NewPartnerAsync(Uri? callbackUrl = null) => Ops.CreatePartnerAsync("p-" + Guid.NewGuid().ToString("N")[..10], "Test shop", callbackUrl);

    public async Task<string> NewCardKeySkuAsync(decimal unitPrice = 10m, IEnumerable<string>? keys = null)
    {
        var sku = "sku-" + Guid.NewGuid().ToString("N")[..10];
        await Ops.SaveSkuAsync(sku, "Gift card", "card-key", unitPrice, "CNY");
        if (keys is not null)
        {
            await Ops.ImportKeysAsync(sku, keys);
        }

        return sku;
    }

    public static IReadOnlyList<string> NewCardKeys(int count) =>
        Enumerable.Range(0, count).Select(_ => "CARD-" + Guid.NewGuid().ToString("N").ToUpperInvariant()).ToList();

    public async Task<HttpResponseMessage> PayAsync(CreatedPartner partner, string sku, string orderId, int quantity = 1, decimal unitPrice = 10m, string? webhookId = null) =>
        await Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret,
            new PaymentData(orderId, sku, quantity, unitPrice * quantity, "CNY", "buyer-" + orderId), webhookId);

    /// <summary>Opens an order before payment with the partner's API key: the status and, on 200/201, the opened order (read strictly, as the contract says).</summary>
    public async Task<(HttpStatusCode Status, OpenedOrder? Order, string Body)> OpenOrderAsync(CreatedPartner partner, string json)
    {
        using var client = App.CreateClient(partner.ApiKey);
        var response = await client.PostAsync($"api/partners/{partner.PartnerId}/orders", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? JsonSerializer.Deserialize<OpenedOrder>(body, ContractJson.Strict) : null, body);
    }

    public Task<(HttpStatusCode Status, OpenedOrder? Order, string Body)> OpenOrderAsync(CreatedPartner partner, OpenOrderRequest request) =>
        OpenOrderAsync(partner, JsonSerializer.Serialize(request, ContractJson.Options));

    /// <summary>Asserts that each order is still opened and unpaid, as ops read it.</summary>
    public async Task AssertStillOpenedAsync(params (CreatedPartner Partner, string OrderId)[] orders)
    {
        foreach (var (partner, orderId) in orders)
        {
            var trace = await Ops.GetOrderTraceAsync(partner.PartnerId, orderId);
            Assert.Equal(("opened", null, null), (trace.Order.State, trace.Order.PaidAt, trace.Order.PaymentId));
        }
    }

    /// <summary>The order as its partner sees it (keys included once delivered).</summary>
    public async Task<PartnerOrder?> GetOrderAsync(CreatedPartner partner, string orderId, string? apiKey = null)
    {
        using var client = App.CreateClient(apiKey ?? partner.ApiKey);
        var response = await client.GetAsync($"api/partners/{partner.PartnerId}/orders/{orderId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<PartnerOrder>(Json);
    }

    /// <summary>Polls until the order reaches the state, or fails after the deadline.</summary>
    public Task<PartnerOrder> WaitForStateAsync(CreatedPartner partner, string orderId, string state, TimeSpan? timeout = null) =>
        WaitForStateAsync(partner, orderId, s => s == state, timeout, state);

    /// <summary>Polls until the order reaches a state <paramref name="isReached"/> accepts, or fails after the deadline.</summary>
    public async Task<PartnerOrder> WaitForStateAsync(CreatedPartner partner, string orderId, Func<string, bool> isReached, TimeSpan? timeout = null, string state = "the state awaited")
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        PartnerOrder? order = null;
        while (DateTime.UtcNow < deadline)
        {
            order = await GetOrderAsync(partner, orderId);
            if (order is not null && isReached(order.State))
            {
                return order;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Order {orderId} did not reach {state}; last seen {order?.State ?? "missing"}. Warnings logged:\n"
            + string.Join('\n', Logs.Lines.Where(l => !l.StartsWith("Information", StringComparison.Ordinal) && !l.StartsWith("Debug", StringComparison.Ordinal)).Take(3)));
    }

    /// <summary>
    /// Polls until the SKU's stock is (available, reserved, sold). An order shows as delivered as soon as its keys
    /// are bound to it; marking them sold follows a moment later.
    /// </summary>
    public async Task WaitForStockAsync(string sku, (int Available, int Reserved, int Sold) expected)
    {
        StockLevels? last = null;
        try
        {
            await EventuallyAsync(async () =>
            {
                last = await Ops.GetStockAsync(sku);
                return (last.Available, last.Reserved, last.Sold) == expected;
            }, $"stock of {sku} at {expected}");
        }
        catch (TimeoutException)
        {
            Assert.Equal(expected, (last!.Available, last.Reserved, last.Sold));
            throw;
        }
    }

    /// <summary>Waits for the ops alert about the order (raised just after its state changes) on this scenario's alerts queue.</summary>
    public Task WaitForAlertAsync(string partnerId, string orderId) =>
        EventuallyAsync(async () =>
        {
            var alerts = await App.Services.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>()
                .GetQueueClient(Queue + "-alerts").PeekMessagesAsync(32);
            return alerts.Value.Select(m => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(m.Body.ToString())))
                .Any(a => a.Contains(orderId, StringComparison.Ordinal) && a.Contains(partnerId, StringComparison.Ordinal));
        }, $"an ops alert about {orderId}");

    /// <summary>Polls a condition until it holds, or fails after the deadline.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in apps)
        {
            await app.DisposeAsync();
        }
    }
}

public sealed record PartnerOrderKey(string KeyId, string Code);

public sealed record PartnerOrder(string OrderId, string Sku, int Quantity, decimal Amount, string State, string? ReasonCode, string? Reason, IReadOnlyList<PartnerOrderKey> Keys);
