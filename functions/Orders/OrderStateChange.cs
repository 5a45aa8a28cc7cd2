namespace Fulfilment.Orders;

/// <summary>The order entered <see cref="State"/> (or stayed in it for a new reason) at <see cref="At"/>.</summary>
internal sealed record OrderStateChange(DateTimeOffset At, string State, string? Reason);
