namespace Fulfilment.Storage;

/// <summary>Why a message failed last, as ops see it next to the message in its poison queue.</summary>
internal sealed record QueueFailure(string FunctionName, string Reason, long Attempts, bool PoisonedAtOnce, DateTimeOffset FailedAt);
