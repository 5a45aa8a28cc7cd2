namespace Fulfilment.Crypto;

/// <summary>How far one call of a rotation got. A null <see cref="ContinuationToken"/> means every row was examined.</summary>
internal sealed record KekRotationProgress(
    string KekVersion, int Examined, int Rewrapped, int AlreadyCurrent, int Failed, IReadOnlyList<string> Failures, string? ContinuationToken);
