namespace Fulfilment.RedemptionLog;

/// <summary>
/// Where a page of the redemption log stopped: the partner, the query it belongs to (as sent), the time window the
/// first page resolved (so "to = now" does not move between pages), and the position.
/// </summary>
internal sealed record LogPosition(
    string PartnerId, string QueryHash, long FromTicks, long ToTicks, string Day, string AfterRowKey, long ExpiresAt, string KekVersion);
