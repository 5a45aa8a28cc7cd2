using System.Text.RegularExpressions;

namespace Fulfilment.Partners;

internal static partial class PartnerId
{
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{1,62}\z")]
    private static partial Regex Pattern();
}
