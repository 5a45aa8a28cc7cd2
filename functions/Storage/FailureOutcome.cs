namespace Fulfilment.Storage;

/// <summary>What becomes of a message that failed: tried again, moved to its poison queue at once, or moved there by
/// the trigger because that was its last allowed attempt.</summary>
internal enum FailureOutcome
{
    Retried,
    PoisonedAtOnce,
    PoisonedAfterLastAttempt,
}
