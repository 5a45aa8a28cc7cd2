namespace Fulfilment.Contract;

/// <summary>Ops' decision on an order held for review (<c>…/approve</c> or <c>…/refuse</c>): who decides and why, kept in the order's trace.</summary>
public sealed record ReviewDecision(string By, string Reason);
