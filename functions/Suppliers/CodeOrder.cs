namespace Fulfilment.Suppliers;

/// <summary>Codes to buy for an order: our client reference is the idempotency key; the product as the supplier names it.</summary>
internal sealed record CodeOrder(string ClientReference, string ProductCode, int Quantity);
