using Fulfilment.Contract;

namespace Fulfilment.Delivery;

/// <summary>What finding a partner's order gave: the order as the partner reads it, or that it does not exist, or that its keys cannot be opened.</summary>
internal sealed record PartnerOrderLookup
{
    public static readonly PartnerOrderLookup NotFound = new(null, false);

    /// <summary>The order exists, but its stored keys do not open (tampered with, or their KEK version is gone).</summary>
    public static readonly PartnerOrderLookup KeysCannotBeOpened = new(null, true);

    private PartnerOrderLookup(PartnerOrder? view, bool keysUnavailable) => (View, KeysUnavailable) = (view, keysUnavailable);

    public PartnerOrder? View { get; }

    public bool KeysUnavailable { get; }

    public static PartnerOrderLookup Found(PartnerOrder view) => new(view, false);
}
