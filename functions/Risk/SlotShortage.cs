namespace Fulfilment.Risk;

/// <summary>A limit the order does not fit in: which, how many of its slots are in use, and when enough of them free up (null: not by time).</summary>
internal sealed record SlotShortage(CounterSlots Slots, int InUse, DateTimeOffset? FreesAt);
