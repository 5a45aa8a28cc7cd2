using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Fulfilment.Local;

public sealed record CreatedPartner(string PartnerId, string Name, string WebhookSecret, string ApiKey, string? CallbackSecret = null);

public sealed record StockLevels(
    string Sku, int Available, int Reserved, int Sold, int Void, int Expired, decimal SoldCost, int SoldWithoutCost, decimal? SoldMargin,
    int? LowStockThreshold);

public sealed record ImportResult(string Sku, string BatchId, int Received, int Imported, IReadOnlyList<ImportRejection> Rejected, int OrdersReleased);

/// <summary>Where an upload's keys come from: a new batch (supplier, cost, currency, expiry), or an earlier one by id.</summary>
public sealed record ImportBatch(string? Supplier = null, decimal? UnitCost = null, string? Currency = null, DateTimeOffset? ExpiresAt = null, string? BatchId = null)
{
    public string Query()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null) parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }

        Add("supplier", Supplier);
        Add("unitCost", UnitCost?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("currency", Currency);
        Add("expiresAt", ExpiresAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Add("batchId", BatchId);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}

public sealed record KeyBatchSummary(
    string BatchId, string? Supplier, decimal? UnitCost, string Currency, DateTimeOffset ImportedAt, DateTimeOffset? ExpiresAt, bool Expired,
    int Imported, int Available, int Reserved, int Sold, int Void);

public sealed record BatchVoidReport(string Sku, string BatchId, string Reason, int Voided, int Reserved);

public sealed record ImportRejection(int Line, string Reason);

public sealed record OpsOrder(
    string PartnerId, string OrderId, string Sku, string State, string? StateReason, IReadOnlyList<string> KeyIds,
    string? NotificationStatus, int NotificationAttempts);

public sealed record OrderTraceEvent(
    DateTimeOffset At, string Kind, string Summary, string? State, string? Reason, string? Supplier, string? Outcome, int? Attempt, string? Status);

public sealed record OrderTrace(OpsOrder Order, IReadOnlyList<OrderTraceEvent> Trace);

public sealed record SkuStockLevels(int Available, int Reserved, int Sold, int Void = 0, int Expired = 0);

public sealed record SkuSummary(
    string Sku, string Kind, string Currency, decimal UnitPrice, decimal? UnitCost, decimal? UnitMargin, decimal? MarginPercent,
    int? LowStockThreshold, SkuStockLevels? Stock, decimal? SoldMargin);

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
        string[]? suppliers = null, string? productCode = null, decimal? unitCost = null, CancellationToken cancellationToken = default,
        int? shardCount = null, int? lowStockThreshold = null, bool? caseSensitiveKeys = null)
    {
        var response = await http.PutAsJsonAsync(
            $"api/ops/skus/{sku}", new { name, kind, unitPrice, currency, suppliers, productCode, unitCost, shardCount, lowStockThreshold, caseSensitiveKeys }, cancellationToken);
        await ReadAsync<JsonElement>(response, cancellationToken);
    }

    public async Task<ImportResult> ImportKeysAsync(
        string sku, IEnumerable<string> keys, CancellationToken cancellationToken = default, ImportBatch? batch = null)
    {
        var body = new StringContent(string.Join('\n', keys) + "\n", Encoding.UTF8, "text/plain");
        var response = await http.PostAsync($"api/ops/skus/{sku}/keys{batch?.Query()}", body, cancellationToken);
        return await ReadAsync<ImportResult>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<KeyBatchSummary>> ListBatchesAsync(string sku, CancellationToken cancellationToken = default) =>
        (await ReadAsync<BatchList>(await http.GetAsync($"api/ops/skus/{sku}/batches", cancellationToken), cancellationToken)).Batches;

    public Task<HttpResponseMessage> VoidKeyAsync(string sku, string keyId, CancellationToken cancellationToken = default) =>
        http.PostAsync($"api/ops/skus/{sku}/keys/{keyId}/void", null, cancellationToken);

    public async Task<BatchVoidReport> VoidBatchAsync(string sku, string batchId, CancellationToken cancellationToken = default) =>
        await ReadAsync<BatchVoidReport>(await http.PostAsync($"api/ops/skus/{sku}/batches/{batchId}/void", null, cancellationToken), cancellationToken);

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

    private sealed record BatchList(string Sku, IReadOnlyList<KeyBatchSummary> Batches);

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
