using System.Text.RegularExpressions;

namespace Fulfilment.Catalogue;

internal static partial class SkuId
{
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    // \z, not $: $ also matches before a final newline.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex Pattern();
}
