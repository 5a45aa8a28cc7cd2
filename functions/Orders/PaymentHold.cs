namespace Fulfilment.Orders;

/// <summary>An opened order whose keys are held, as the release timer finds it.</summary>
internal sealed record PaymentHold(string BuyerKey, string PartnerId, string OrderId, string Sku);
