namespace Fulfilment.Contract;

/// <summary>The first messages of a poison queue, looked at without taking them.</summary>
public sealed record PoisonMessageList(string Queue, IReadOnlyList<PoisonMessage> Messages);
