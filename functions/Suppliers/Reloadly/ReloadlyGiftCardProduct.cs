using System.Globalization;

namespace Fulfilment.Suppliers.Reloadly;

/// <summary>
/// A card-key SKU's product code for Reloadly gift cards: <c>&lt;product id&gt;:&lt;unit price&gt;</c>, for example
/// <c>120:25</c>. The product id is Reloadly's; the unit price is one of the product's denominations (a fixed one, or
/// within its range), in the product's own currency, as Reloadly requires it in every order.
/// </summary>
internal sealed record ReloadlyGiftCardProduct(long ProductId, decimal UnitPrice)
{
    public const string Grammar = "<product id>:<unit price>, for example 120:25 or 4:5.50";

    public static ReloadlyGiftCardProduct? Parse(string code)
    {
        var parts = code.Split(':');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var productId) && productId > 0
            && decimal.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var unitPrice) && unitPrice > 0
                ? new ReloadlyGiftCardProduct(productId, unitPrice)
                : null;
    }
}
