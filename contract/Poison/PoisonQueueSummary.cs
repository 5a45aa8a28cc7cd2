namespace Fulfilment.Contract;

/// <summary>A poison queue, the queue its messages came from, and how many it holds (Storage's count is approximate).</summary>
public sealed record PoisonQueueSummary(string Queue, string OriginalQueue, int ApproximateCount);
