namespace Fulfilment.Risk;

/// <summary>What became of the order that holds a slot, as the order book says (see <see cref="RiskCounters"/>).</summary>
internal enum SlotHolder
{
    /// <summary>The order is gone, or in a state that does not count (never paid, refused, cancelled, refunded, failed): its slot is free.</summary>
    NotCounting,

    /// <summary>The order counts and may still stop counting (paid, in fulfilment, held for review).</summary>
    Counting,

    /// <summary>The order counts and only an explicit give-back (a refund) frees its slot: it need not be asked again.</summary>
    Settled,
}
