namespace Fulfilment.Contract;

/// <summary>At most <see cref="UnitsPerMinute"/> units of the SKU per calendar minute (UTC), across all buyers.</summary>
public sealed record PacingRule(int UnitsPerMinute);
