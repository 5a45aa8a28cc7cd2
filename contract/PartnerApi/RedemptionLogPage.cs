namespace Fulfilment.Contract;

/// <summary>A page of a partner's redemption log; pass <see cref="ContinuationToken"/> back for the next (null: the last page).</summary>
public sealed record RedemptionLogPage(IReadOnlyList<RedemptionLogEntry> Entries, string? ContinuationToken);
