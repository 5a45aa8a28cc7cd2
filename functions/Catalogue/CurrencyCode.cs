using System.Text.RegularExpressions;

namespace Fulfilment.Catalogue;

internal static partial class CurrencyCode
{
    public static bool IsValid(string? code) => code is not null && Pattern().IsMatch(code);

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex Pattern();
}
