namespace Fulfilment.Contract;

/// <summary>A target account credited at most <see cref="Times"/> times with the SKU in any <see cref="WindowSeconds"/> (top-ups and redemptions).</summary>
public sealed record AccountLimitRule(int Times, int WindowSeconds);
