namespace Fulfilment.Suppliers;

/// <summary>A credit to make: our client reference is the idempotency key.</summary>
internal sealed record CreditRequest(string ClientReference, string ProductCode, string Account, decimal Amount, string Currency);
