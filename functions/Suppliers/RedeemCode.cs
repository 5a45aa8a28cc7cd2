namespace Fulfilment.Suppliers;

/// <summary>
/// A gift card's redeem code as a supplier sold it: the buyer's alone. It is held only in memory until it is sealed
/// into the inventory, and it never prints itself: a log line or an exception message that names one shows nothing.
/// </summary>
internal sealed class RedeemCode(string text)
{
    /// <summary>The code itself, for sealing it; never for a log, a message or an error.</summary>
    public string Reveal() => text;

    public override string ToString() => "RedeemCode(hidden)";
}
