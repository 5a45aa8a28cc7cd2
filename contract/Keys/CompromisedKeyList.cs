namespace Fulfilment.Contract;

/// <summary>A SKU's sold keys whose sale was refunded or disputed (<c>GET /api/ops/skus/{sku}/keys/compromised</c>), oldest first.</summary>
public sealed record CompromisedKeyList(string Sku, IReadOnlyList<CompromisedKey> Keys);
