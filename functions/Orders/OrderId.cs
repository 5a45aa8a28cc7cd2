using System.Text.RegularExpressions;

namespace Fulfilment.Orders;

/// <summary>A partner's order id: what the webhook accepts is exactly what the order routes can address.</summary>
internal static partial class OrderId
{
    public const int MaxLength = 128;

    /// <summary>The rule as the OpenAPI document states it (a test holds the two together).</summary>
    public const string Pattern = @"^(?!\.+$)[A-Za-z0-9._:-]{1,128}$";

    /// <summary>Letters, digits and <c>. _ : -</c>; not only dots (<c>.</c> and <c>..</c> are path segments no URL can address).</summary>
    public static bool IsValid(string? orderId) => orderId is not null && Compiled().IsMatch(orderId);

    // \z, not $: $ also matches before a final newline.
    [GeneratedRegex(@"^(?!\.+\z)[A-Za-z0-9._:-]{1,128}\z")]
    private static partial Regex Compiled();
}
