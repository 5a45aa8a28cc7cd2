namespace Fulfilment.Delivery;

/// <summary>A delivered card key as its partner receives it.</summary>
internal sealed record DeliveredKey(string KeyId, string Code);
