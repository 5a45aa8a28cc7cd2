namespace Fulfilment.Contract;

/// <summary>Every poison queue (<c>GET /api/ops/poison</c>).</summary>
public sealed record PoisonQueueList(IReadOnlyList<PoisonQueueSummary> Queues);
