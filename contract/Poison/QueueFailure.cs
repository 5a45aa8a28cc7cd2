namespace Fulfilment.Contract;

/// <summary>
/// Why a queue message ended in its poison queue: the function that failed, its last reason, after how many attempts,
/// and whether it was poisoned at once (a message that can never succeed is not retried).
/// </summary>
public sealed record QueueFailure(string FunctionName, string Reason, long Attempts, bool PoisonedAtOnce, DateTimeOffset FailedAt);
