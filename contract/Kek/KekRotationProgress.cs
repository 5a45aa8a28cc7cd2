namespace Fulfilment.Contract;

/// <summary>
/// How far one call of a KEK rotation got: rows examined, re-wrapped to <see cref="KekVersion"/>, already under it, and
/// those that could not be opened. Call again with <see cref="ContinuationToken"/> until it is null.
/// </summary>
public sealed record KekRotationProgress(
    string KekVersion, int Examined, int Rewrapped, int AlreadyCurrent, int Failed, IReadOnlyList<string> Failures, string? ContinuationToken);
