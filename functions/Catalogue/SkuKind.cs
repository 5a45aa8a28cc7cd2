namespace Fulfilment.Catalogue;

/// <summary>What fulfilment does for a SKU.</summary>
internal static class SkuKind
{
    /// <summary>卡密: one unused key from the SKU's encrypted inventory per unit.</summary>
    public const string CardKey = "card-key";

    /// <summary>直充: credit the buyer's account through a supplier's API.</summary>
    public const string DirectTopUp = "direct-top-up";

    /// <summary>Redeem the goods on a third-party platform on the buyer's behalf.</summary>
    public const string Redemption = "redemption";

    public static readonly string[] All = [CardKey, DirectTopUp, Redemption];
}
