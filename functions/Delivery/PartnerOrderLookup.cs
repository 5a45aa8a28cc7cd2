namespace Fulfilment.Delivery;

/// <summary>What finding a partner's order gave: its view, or that it does not exist, or that its keys cannot be opened.</summary>
internal sealed record PartnerOrderLookup(PartnerOrderView? View, bool KeysUnavailable = false)
{
    public static readonly PartnerOrderLookup NotFound = new(View: null);
}
