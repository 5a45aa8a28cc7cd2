namespace Fulfilment.Contract;

/// <summary>
/// Which poison messages a replay or purge acts on: exactly one of <c>{"all": true}</c>, <c>{"messageIds": [...]}</c> or
/// <c>{"orderId": "..."}</c>, so that an empty or mistyped body never acts on a whole queue.
/// </summary>
public sealed record PoisonFilter(bool? All = null, IReadOnlyList<string>? MessageIds = null, string? OrderId = null)
{
    public static PoisonFilter Everything => new(All: true);

    public static PoisonFilter Messages(params IReadOnlyList<string> messageIds) => new(MessageIds: messageIds);

    public static PoisonFilter OfOrder(string orderId) => new(OrderId: orderId);
}
