namespace Fulfilment.Suppliers.DtOne;

/// <summary>
/// A SKU's product code for DT One: the DVS <c>product_id</c> of a fixed-value product (<c>12345</c>), or of a ranged
/// one followed by how the amount is meant (<c>12345:destination</c> — the amount the beneficiary receives, in the
/// order's currency; <c>12345:source</c> — the amount we pay).
/// </summary>
internal sealed record DtOneProduct(long ProductId, string? CalculationMode)
{
    public const string Grammar = "<product id>[:destination|:source], for example 12345 or 12345:destination";

    public static DtOneProduct? Parse(string code)
    {
        var parts = code.Split(':');
        if (parts.Length > 2
            || !long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            return null;
        }

        return parts.Length == 1 ? new DtOneProduct(id, null)
            : parts[1] switch
            {
                "destination" => new DtOneProduct(id, "DESTINATION_AMOUNT"),
                "source" => new DtOneProduct(id, "SOURCE_AMOUNT"),
                _ => null,
            };
    }
}
