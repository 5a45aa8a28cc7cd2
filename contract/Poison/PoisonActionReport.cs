namespace Fulfilment.Contract;

/// <summary>What a replay or purge did: how many messages it looked at, those replayed, those deleted, and those it would not replay and why.</summary>
public sealed record PoisonActionReport(
    int Examined, IReadOnlyList<string> Replayed, IReadOnlyList<string> Deleted, IReadOnlyList<PoisonMessageProblem> NotReplayed);
