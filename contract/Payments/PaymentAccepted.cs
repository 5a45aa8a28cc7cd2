namespace Fulfilment.Contract;

/// <summary>The order a payment webhook wrote (201), or found already written for the same order (200, <see cref="Duplicate"/>).</summary>
public sealed record PaymentAccepted(string OrderId, string State, bool Duplicate);
