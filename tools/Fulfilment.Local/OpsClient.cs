using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Fulfilment.Local;

public sealed record CreatedPartner(string PartnerId, string Name, string WebhookSecret, string ApiKey);

public sealed record StockLevels(string Sku, int Available, int Reserved, int Sold);

public sealed record ImportResult(string Sku, int Received, int Imported, IReadOnlyList<ImportRejection> Rejected, int OrdersReleased);

public sealed record ImportRejection(int Line, string Reason);

public sealed record OpsOrder(
    string PartnerId, string OrderId, string Sku, string State, string? StateReason, IReadOnlyList<string> KeyIds,
    string? NotificationStatus, int NotificationAttempts);

public sealed record OrderTraceEvent(
    DateTimeOffset At, string Kind, string Summary, string? State, string? Reason, string? Supplier, string? Outcome, int? Attempt, string? Status);

public sealed record OrderTrace(OpsOrder Order, IReadOnlyList<OrderTraceEvent> Trace);

public sealed record SkuStockLevels(int Available, int Reserved, int Sold);

public sealed record SkuSummary(
    string Sku, string Kind, string Currency, decimal UnitPrice, decimal? UnitCost, decimal? UnitMargin, decimal? MarginPercent,
    SkuStockLevels? Stock, decimal? SoldMargin);

public sealed record PoisonQueueSummary(string Queue, string OriginalQueue, int ApproximateCount);

public sealed record PoisonFailure(string FunctionName, string Reason, long Attempts, bool PoisonedAtOnce, DateTimeOffset FailedAt);

public sealed record PoisonMessage(
    string MessageId, string OriginalQueue, string Body, bool Readable, long DequeueCount, DateTimeOffset? InsertedAt,
    int ReplayCount, bool ReplayCapReached, PoisonFailure? Failure);

public sealed record PoisonActionReport(int Examined, IReadOnlyList<string> Replayed, IReadOnlyList<string> Deleted, IReadOnlyList<PoisonMessageProblem> NotReplayed);

public sealed record PoisonMessageProblem(string MessageId, string Reason);

/// <summary>The ops API, as an operator's script uses it.</summary>
public sealed class OpsClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<CreatedPartner> CreatePartnerAsync(string partnerId, string name, Uri? callbackUrl = null, CancellationToken cancellationToken = default)
    {
        var response = await http.PostAsJsonAsync("api/ops/partners", new { partnerId, name, callbackUrl }, cancellationToken);
        return await ReadAsync<CreatedPartner>(response, cancellationToken);
    }

    public async Task SaveSkuAsync(
        string sku, string name, string kind, decimal unitPrice, string currency,
        string[]? suppliers = null, string? productCode = null, decimal? unitCost = null, CancellationToken cancellationToken = default)
    {
        var response = await http.PutAsJsonAsync($"api/ops/skus/{sku}", new { name, kind, unitPrice, currency, suppliers, productCode, unitCost }, cancellationToken);
        await ReadAsync<JsonElement>(response, cancellationToken);
    }

    public async Task<ImportResult> ImportKeysAsync(string sku, IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        var body = new StringContent(string.Join('\n', keys) + "\n", Encoding.UTF8, "text/plain");
        var response = await http.PostAsync($"api/ops/skus/{sku}/keys", body, cancellationToken);
        return await ReadAsync<ImportResult>(response, cancellationToken);
    }

    public async Task<StockLevels> GetStockAsync(string sku, CancellationToken cancellationToken = default) =>
        await ReadAsync<StockLevels>(await http.GetAsync($"api/ops/skus/{sku}/stock", cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<SkuSummary>> ListSkusAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync<SkuList>(await http.GetAsync("api/ops/skus", cancellationToken), cancellationToken)).Skus;

    public async Task<OrderTrace> GetOrderTraceAsync(string partnerId, string orderId, CancellationToken cancellationToken = default) =>
        await ReadAsync<OrderTrace>(await http.GetAsync($"api/ops/partners/{partnerId}/orders/{orderId}", cancellationToken), cancellationToken);

    /// <summary>Sends the order's notification again; the raw response (202, or 409 when it cannot be sent).</summary>
    public Task<HttpResponseMessage> ResendNotificationAsync(string partnerId, string orderId, CancellationToken cancellationToken = default) =>
        http.PostAsync($"api/ops/partners/{partnerId}/orders/{orderId}/notification", null, cancellationToken);

    public async Task<IReadOnlyList<PoisonQueueSummary>> ListPoisonQueuesAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync<PoisonQueueList>(await http.GetAsync("api/ops/poison", cancellationToken), cancellationToken)).Queues;

    public async Task<IReadOnlyList<PoisonMessage>> ListPoisonMessagesAsync(string poisonQueue, CancellationToken cancellationToken = default) =>
        (await ReadAsync<PoisonMessageList>(await http.GetAsync($"api/ops/poison/{poisonQueue}/messages", cancellationToken), cancellationToken)).Messages;

    /// <summary>Replays the messages <paramref name="filter"/> selects: <c>new { all = true }</c>, <c>new { messageIds }</c> or <c>new { orderId }</c>.</summary>
    public async Task<PoisonActionReport> ReplayPoisonAsync(string poisonQueue, object filter, CancellationToken cancellationToken = default) =>
        await ReadAsync<PoisonActionReport>(await http.PostAsJsonAsync($"api/ops/poison/{poisonQueue}/replay", filter, cancellationToken), cancellationToken);

    public async Task<PoisonActionReport> PurgePoisonAsync(string poisonQueue, object filter, CancellationToken cancellationToken = default) =>
        await ReadAsync<PoisonActionReport>(await http.PostAsJsonAsync($"api/ops/poison/{poisonQueue}/purge", filter, cancellationToken), cancellationToken);

    private sealed record SkuList(IReadOnlyList<SkuSummary> Skus);

    private sealed record PoisonQueueList(IReadOnlyList<PoisonQueueSummary> Queues);

    private sealed record PoisonMessageList(string Queue, IReadOnlyList<PoisonMessage> Messages);

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {text}", null, response.StatusCode);
        }

        return JsonSerializer.Deserialize<T>(text, Json)!;
    }
}
