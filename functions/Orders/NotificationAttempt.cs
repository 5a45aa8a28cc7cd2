namespace Fulfilment.Orders;

/// <summary>One attempt to tell the partner about the order: <c>sent</c>, <c>retrying</c> or <c>dead-lettered</c>.</summary>
internal sealed record NotificationAttempt(DateTimeOffset At, string State, int Attempt, string Status, string? Error);
