namespace Fulfilment.Suppliers;

/// <summary>A credit to make for an order: our client reference is the idempotency key.</summary>
internal sealed record CreditRequest(string PartnerId, string OrderId, string ClientReference, string ProductCode, string Account, decimal Amount, string Currency);
