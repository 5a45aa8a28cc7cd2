namespace Fulfilment.Contract;

/// <summary>A delivered card key: its id (as in traces and logs) and the key itself.</summary>
public sealed record DeliveredKey(string KeyId, string Code);
