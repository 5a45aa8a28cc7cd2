namespace Fulfilment.Storage;

/// <summary>A queue message handed to a queue-triggered function, whoever dequeued it (Functions host or local trigger host).</summary>
internal sealed record QueueInvocation(
    string FunctionName,
    string QueueName,
    string MessageId,
    string MessageText,
    long DequeueCount,
    DateTimeOffset? InsertionTime);
