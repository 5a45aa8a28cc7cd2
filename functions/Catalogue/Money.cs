using System.Globalization;

namespace Fulfilment.Catalogue;

/// <summary>
/// Amounts in a currency's minor units (ISO 4217): CNY and USD have 2, JPY and KRW 0, KWD and BHD 3. An amount with
/// more decimals than its currency has is not an amount of that currency: it is refused, never rounded.
/// </summary>
internal static class Money
{
    private static readonly HashSet<string> NoMinorUnits =
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];

    private static readonly HashSet<string> ThreeMinorUnits = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    private static readonly HashSet<string> FourMinorUnits = ["CLF", "UYW"];

    /// <summary>How many decimals an amount in <paramref name="currency"/> has (2 for a currency not listed otherwise).</summary>
    public static int MinorUnits(string currency) =>
        NoMinorUnits.Contains(currency) ? 0 : ThreeMinorUnits.Contains(currency) ? 3 : FourMinorUnits.Contains(currency) ? 4 : 2;

    /// <summary>True when <paramref name="amount"/> is a whole number of the currency's minor units.</summary>
    public static bool IsExact(decimal amount, string currency)
    {
        var scaled = amount * Pow10(MinorUnits(currency));
        return scaled == decimal.Truncate(scaled);
    }

    /// <summary>The amount with exactly the currency's decimals (<c>"50.00"</c>, <c>"500"</c>); throws rather than round.</summary>
    public static string Format(decimal amount, string currency)
    {
        if (!IsExact(amount, currency))
        {
            throw new ArgumentException($"{amount.ToString(CultureInfo.InvariantCulture)} is not a whole number of {currency} minor units.", nameof(amount));
        }

        return amount.ToString("F" + MinorUnits(currency).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>The amount in the currency's minor units (fen, cents): what WeChat Pay and Stripe write; throws rather than round.</summary>
    public static long ToMinorUnits(decimal amount, string currency) =>
        IsExact(amount, currency)
            ? (long)(amount * Pow10(MinorUnits(currency)))
            : throw new ArgumentException($"{amount.ToString(CultureInfo.InvariantCulture)} is not a whole number of {currency} minor units.", nameof(amount));

    /// <summary>An amount given in the currency's minor units, as a decimal amount of the currency.</summary>
    public static decimal FromMinorUnits(long minorUnits, string currency) => minorUnits / Pow10(MinorUnits(currency));

    private static decimal Pow10(int exponent) => exponent switch { 0 => 1m, 2 => 100m, 3 => 1000m, _ => 10000m };
}
