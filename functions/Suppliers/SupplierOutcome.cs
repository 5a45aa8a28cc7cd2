namespace Fulfilment.Suppliers;

/// <summary>A supplier's answer, classified. <see cref="RetryAfter"/> is the supplier's own hint, when it gave one.</summary>
internal sealed record SupplierOutcome(SupplierVerdict Verdict, string? SupplierReference = null, string? Reason = null, TimeSpan? RetryAfter = null);
