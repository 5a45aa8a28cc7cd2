namespace Fulfilment.Contract;

/// <summary>Orders held for review, oldest first (<c>GET /api/ops/reviews</c>, filtered by partner, SKU and rule).</summary>
public sealed record HeldOrderList(IReadOnlyList<HeldOrder> Orders);
