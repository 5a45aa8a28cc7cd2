namespace Fulfilment.Contract;

/// <summary>
/// How many keys of a batch were voided (<see cref="Reason"/>: <c>expired</c> or <c>voided-by-ops</c>), and how many were
/// reserved for orders in flight and left alone: void the batch again once they settle.
/// </summary>
public sealed record BatchVoidReport(string Sku, string BatchId, string Reason, int Voided, int Reserved);
