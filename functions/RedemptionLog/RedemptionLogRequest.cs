namespace Fulfilment.RedemptionLog;

/// <summary>
/// A partner's query of its redemption log, as sent (each value the text of its query parameter, null when absent):
/// time range, SKU, status or order, newest or oldest first, page size, and the continuation token of the page before.
/// </summary>
internal sealed record RedemptionLogRequest(
    string? From, string? To, string? Sku, string? Status, string? OrderId, string? Order, string? PageSize, string? ContinuationToken);
