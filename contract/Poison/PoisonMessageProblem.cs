namespace Fulfilment.Contract;

/// <summary>A message a replay left where it was, and why (the replay cap reached, an unreadable body, ...).</summary>
public sealed record PoisonMessageProblem(string MessageId, string Reason);
