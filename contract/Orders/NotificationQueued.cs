namespace Fulfilment.Contract;

/// <summary>The order's final state is queued to be told to its partner again, under the same webhook id as before.</summary>
public sealed record NotificationQueued(string PartnerId, string OrderId, string State, bool Queued);
