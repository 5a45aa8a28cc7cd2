namespace Fulfilment.Contract;

/// <summary>How many of a supplier's recent calls had this verdict (Succeeded, Pending, Failed, Rejected, NotFound, NotAccepted, Unknown, ReferenceConflict).</summary>
public sealed record VerdictCount(string Verdict, int Count);
