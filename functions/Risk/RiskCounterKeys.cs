using System.Security.Cryptography;
using System.Text;

namespace Fulfilment.Risk;

/// <summary>
/// The counters of <see cref="RiskCounters"/>: a buyer's units of a SKU, an account's credits of a SKU, a SKU's
/// units in one minute, and whether a buyer has had an order go ahead at the partner. Buyer references and (keyed
/// hashes of) accounts are hashed again into the key, so no key says whose it is.
/// </summary>
internal static class RiskCounterKeys
{
    public static string Buyer(string partnerId, string sku, string buyerReference) => "buyer|" + Hash(partnerId, sku, buyerReference);

    public static string Account(string partnerId, string sku, string targetAccountHash) => "account|" + Hash(partnerId, sku, targetAccountHash);

    public static string Pacing(string partnerId, string sku, DateTimeOffset minute) => $"pace|{Hash(partnerId, sku)}|{minute.UtcDateTime:yyyyMMddHHmm}";

    public static string FirstOrder(string partnerId, string buyerReference) => "first|" + Hash(partnerId, buyerReference);

    /// <summary>Whether every buyer counts against the one counter (a SKU's minute), rather than a counter being one buyer's or one account's.</summary>
    public static bool IsShared(string counter) => counter.StartsWith("pace|", StringComparison.Ordinal);

    /// <summary>The kind of counter the key names: what comes before its first <c>|</c> (<c>buyer</c>, <c>account</c>, <c>first</c>, <c>pace</c>).</summary>
    public static string KindOf(string counter) => counter.IndexOf('|') is > 0 and var end ? counter[..end] : counter;

    /// <summary>The calendar minute (UTC) <paramref name="at"/> falls in, and when the next one starts.</summary>
    public static (DateTimeOffset Minute, DateTimeOffset Next) MinuteOf(DateTimeOffset at)
    {
        var minute = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        return (minute, minute.AddMinutes(1));
    }

    private static string Hash(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("risk|v1|" + string.Join('|', parts.Select(p => $"{p.Length}:{p}")))))[..40];
}
