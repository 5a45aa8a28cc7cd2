namespace Fulfilment.Contract;

/// <summary>A card-key SKU's keys by state; void counts the expired ones too.</summary>
public sealed record SkuStock(int Available, int Reserved, int Sold, int Void, int Expired);
