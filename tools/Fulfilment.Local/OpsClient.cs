using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fulfilment.Contract;

namespace Fulfilment.Local;

/// <summary>
/// The ops API, as an operator's script uses it: the contract's records in and out, read strictly (see
/// <see cref="ContractJson.Strict"/>), so a test through this client also checks the app answers what the contract says.
/// </summary>
public sealed class OpsClient(HttpClient http)
{
    public async Task<CreatedPartner> CreatePartnerAsync(string partnerId, string name, Uri? callbackUrl = null, CancellationToken cancellationToken = default) =>
        await ReadAsync<CreatedPartner>(await PostAsync("api/ops/partners", new CreatePartnerRequest(partnerId, name, callbackUrl?.ToString()), cancellationToken), cancellationToken);

    public async Task<Sku> SaveSkuAsync(
        string sku, string name, string kind, decimal unitPrice, string currency,
        string[]? suppliers = null, string? productCode = null, decimal? unitCost = null, CancellationToken cancellationToken = default,
        int? shardCount = null, int? lowStockThreshold = null, bool? caseSensitiveKeys = null, bool? holdStock = null,
        IReadOnlyList<SupplierProduct>? supplierProducts = null, decimal? dailyCodeSpendCap = null)
    {
        var request = new SaveSkuRequest(
            name, kind, unitPrice, currency, unitCost, suppliers, productCode, shardCount, lowStockThreshold, caseSensitiveKeys, holdStock, supplierProducts,
            dailyCodeSpendCap);
        var response = await http.PutAsJsonAsync($"api/ops/skus/{sku}", request, ContractJson.Options, cancellationToken);
        return await ReadAsync<Sku>(response, cancellationToken);
    }

    public async Task<ImportReport> ImportKeysAsync(
        string sku, IEnumerable<string> keys, CancellationToken cancellationToken = default, ImportBatch? batch = null)
    {
        var body = new StringContent(string.Join('\n', keys) + "\n", Encoding.UTF8, "text/plain");
        var query = batch?.ToQuery() is { Length: > 0 } q ? "?" + q : "";
        return await ReadAsync<ImportReport>(await http.PostAsync($"api/ops/skus/{sku}/keys{query}", body, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<KeyBatch>> ListBatchesAsync(string sku, CancellationToken cancellationToken = default) =>
        (await ReadAsync<KeyBatchList>(await http.GetAsync($"api/ops/skus/{sku}/batches", cancellationToken), cancellationToken)).Batches;

    /// <summary>Voids one key; the raw response (200 with a <see cref="VoidedKey"/>, or the error).</summary>
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

    /// <summary>Sends the order's notification again; the raw response (202 with a <see cref="NotificationQueued"/>, or 409 when it cannot be sent).</summary>
    public Task<HttpResponseMessage> ResendNotificationAsync(string partnerId, string orderId, CancellationToken cancellationToken = default) =>
        http.PostAsync($"api/ops/partners/{partnerId}/orders/{orderId}/notification", null, cancellationToken);

    public async Task<IReadOnlyList<PoisonQueueSummary>> ListPoisonQueuesAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync<PoisonQueueList>(await http.GetAsync("api/ops/poison", cancellationToken), cancellationToken)).Queues;

    public async Task<IReadOnlyList<PoisonMessage>> ListPoisonMessagesAsync(string poisonQueue, CancellationToken cancellationToken = default) =>
        (await ReadAsync<PoisonMessageList>(await http.GetAsync($"api/ops/poison/{poisonQueue}/messages", cancellationToken), cancellationToken)).Messages;

    public async Task<PoisonActionReport> ReplayPoisonAsync(string poisonQueue, PoisonFilter filter, CancellationToken cancellationToken = default) =>
        await ReadAsync<PoisonActionReport>(await PostAsync($"api/ops/poison/{poisonQueue}/replay", filter, cancellationToken), cancellationToken);

    public async Task<PoisonActionReport> PurgePoisonAsync(string poisonQueue, PoisonFilter filter, CancellationToken cancellationToken = default) =>
        await ReadAsync<PoisonActionReport>(await PostAsync($"api/ops/poison/{poisonQueue}/purge", filter, cancellationToken), cancellationToken);

    public async Task<PaymentCredentialSummary> AddPaymentCredentialAsync(string partnerId, PaymentCredentialRequest credential, CancellationToken cancellationToken = default) =>
        await ReadAsync<PaymentCredentialSummary>(await PostAsync($"api/ops/partners/{partnerId}/payment-credentials", credential, cancellationToken), cancellationToken);

    public async Task<PaymentCredentialRetired> RetirePaymentCredentialAsync(string partnerId, string credentialId, int overlapMinutes, CancellationToken cancellationToken = default) =>
        await ReadAsync<PaymentCredentialRetired>(
            await PostAsync($"api/ops/partners/{partnerId}/payment-credentials/{credentialId}/retire", new RetireRequest(overlapMinutes), cancellationToken), cancellationToken);

    public async Task<CompromisedKeyList> ListCompromisedKeysAsync(string sku, CancellationToken cancellationToken = default) =>
        await ReadAsync<CompromisedKeyList>(await http.GetAsync($"api/ops/skus/{sku}/keys/compromised", cancellationToken), cancellationToken);

    public async Task<PartnerCredentialList> ListCredentialsAsync(string partnerId, CancellationToken cancellationToken = default) =>
        await ReadAsync<PartnerCredentialList>(await http.GetAsync($"api/ops/partners/{partnerId}/credentials", cancellationToken), cancellationToken);

    /// <summary>Saves a partner's risk rules, partner-wide or (with <paramref name="sku"/>) for one SKU: the raw answer (400 lists the problems).</summary>
    public Task<HttpResponseMessage> SaveRiskRulesAsync(string partnerId, RiskRulesDocument rules, string? sku = null, CancellationToken cancellationToken = default) =>
        http.PutAsJsonAsync(sku is null ? $"api/ops/partners/{partnerId}/risk-rules" : $"api/ops/partners/{partnerId}/risk-rules/skus/{sku}", rules, ContractJson.Options, cancellationToken);

    public async Task<PartnerRiskRules> GetRiskRulesAsync(string partnerId, CancellationToken cancellationToken = default) =>
        await ReadAsync<PartnerRiskRules>(await http.GetAsync($"api/ops/partners/{partnerId}/risk-rules", cancellationToken), cancellationToken);

    public async Task<HeldOrderList> ListReviewsAsync(string? partnerId = null, string? sku = null, string? rule = null, CancellationToken cancellationToken = default)
    {
        var query = string.Join('&', new[] { ("partnerId", partnerId), ("sku", sku), ("rule", rule) }
            .Where(q => q.Item2 is not null).Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2!)}"));
        return await ReadAsync<HeldOrderList>(await http.GetAsync("api/ops/reviews" + (query.Length > 0 ? "?" + query : ""), cancellationToken), cancellationToken);
    }

    /// <summary>Approves or refuses an order held for review: the raw answer (200 with the order, 409 if it is not held).</summary>
    public Task<HttpResponseMessage> DecideReviewAsync(string partnerId, string orderId, bool approve, string by, string reason, CancellationToken cancellationToken = default) =>
        PostAsync($"api/ops/partners/{partnerId}/orders/{orderId}/{(approve ? "approve" : "refuse")}", new ReviewDecision(by, reason), cancellationToken);

    /// <summary>Reads a successful answer as <typeparamref name="T"/>, strictly; any other answer is thrown with its body.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {text}", null, response.StatusCode);
        }

        return JsonSerializer.Deserialize<T>(text, ContractJson.Strict)!;
    }

    private Task<HttpResponseMessage> PostAsync<T>(string path, T body, CancellationToken cancellationToken) =>
        http.PostAsJsonAsync(path, body, ContractJson.Options, cancellationToken);
}
