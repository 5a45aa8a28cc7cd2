namespace Fulfilment.Orders;

/// <summary>One call to a supplier on behalf of an order: what was asked, of whom, and what came back.</summary>
internal sealed record OrderAttempt(
    DateTimeOffset At, string Supplier, string ClientReference, string Action, string Outcome, long LatencyMilliseconds, string? Detail);
