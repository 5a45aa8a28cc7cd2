namespace Fulfilment.Suppliers.Reloadly;

/// <summary>
/// A SKU's product code for Reloadly top-ups: <c>&lt;country&gt;:&lt;operator&gt;[:local]</c>, for example <c>GB:535</c> or
/// <c>NG:auto</c>. The country is the recipient number's ISO 3166 alpha-2 code; the operator is Reloadly's operator id,
/// or <c>auto</c> to have Reloadly detect the number's operator; <c>local</c> sends the amount in the operator's local
/// currency (<c>useLocalAmount</c>) instead of the Reloadly account's.
/// </summary>
internal sealed record ReloadlyProduct(string Country, long? OperatorId, bool UseLocalAmount)
{
    public const string Grammar = "<country>:<operator id|auto>[:local], for example GB:535 or NG:auto";

    public static ReloadlyProduct? Parse(string code)
    {
        var parts = code.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length != 2 || !parts[0].All(char.IsAsciiLetterUpper) || (parts.Length == 3 && parts[2] != "local"))
        {
            return null;
        }

        long? operatorId = parts[1] == "auto" ? null
            : long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0 ? id
            : -1;
        return operatorId == -1 ? null : new ReloadlyProduct(parts[0], operatorId, parts.Length == 3);
    }
}
