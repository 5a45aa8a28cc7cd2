namespace Fulfilment.Contract;

/// <summary>At most <see cref="Units"/> units of the SKU per buyer reference in any <see cref="WindowSeconds"/> (a rolling window).</summary>
public sealed record BuyerLimitRule(int Units, int WindowSeconds);
