namespace Fulfilment.Contract;

/// <summary>
/// A message in a poison queue, decoded (when it is not readable text, <see cref="Readable"/> is false and <see cref="Body"/> is as stored), how often it was
/// dequeued and replayed, whether it reached the replay cap, and the failure the app recorded for it, if any.
/// </summary>
public sealed record PoisonMessage(
    string MessageId,
    string OriginalQueue,
    string Body,
    bool Readable,
    long DequeueCount,
    DateTimeOffset? InsertedAt,
    int ReplayCount,
    bool ReplayCapReached,
    QueueFailure? Failure);
