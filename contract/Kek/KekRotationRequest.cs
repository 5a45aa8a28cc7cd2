namespace Fulfilment.Contract;

/// <summary><c>POST /api/ops/kek/rotate</c>: where to resume (the token the last call answered) and how many rows at most (1-5000, default 500).</summary>
public sealed record KekRotationRequest(string? ContinuationToken = null, int? MaxRows = null);
