namespace Fulfilment.Ops;

/// <summary>Which poison messages an ops action applies to: all of them, some by id, or those of one order.</summary>
internal sealed record PoisonSelection(bool All, IReadOnlySet<string> MessageIds, string? OrderId)
{
    public bool Matches(string messageId, string? text) =>
        All || MessageIds.Contains(messageId) || (OrderId is not null && text is not null && PoisonQueues.OrderIdsOf(text).Contains(OrderId));
}
