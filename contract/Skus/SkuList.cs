namespace Fulfilment.Contract;

/// <summary>Every SKU (<c>GET /api/ops/skus</c>).</summary>
public sealed record SkuList(IReadOnlyList<SkuSummary> Skus);
