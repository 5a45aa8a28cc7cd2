namespace Fulfilment.Contract;

/// <summary>An order as ops see it and its story in time order (<c>GET /api/ops/partners/{partnerId}/orders/{orderId}</c>).</summary>
public sealed record OrderTrace(OpsOrder Order, IReadOnlyList<OrderTraceEvent> Trace);
