namespace Fulfilment.Risk;

/// <summary>
/// One counted limit of a counter: <see cref="Capacity"/> slots named by <see cref="Family"/> (a letter),
/// of which an order takes <see cref="Units"/>. A slot taken longer ago than <see cref="Window"/> is free again (a rolling
/// window); with no window it is held until given back. <see cref="FirstSlot"/> is where an order tries first: the same
/// for the same order, so a repeated attempt finds its own slots.
/// </summary>
internal sealed record CounterSlots(char Family, int Capacity, TimeSpan? Window, int Units, int FirstSlot = 0);
