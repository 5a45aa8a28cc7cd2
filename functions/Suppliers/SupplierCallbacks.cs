using System.Security.Cryptography;
using System.Text;

namespace Fulfilment.Suppliers;

/// <summary>
/// The URLs a supplier posts an order's outcome to: <c>{CallbackBaseUrl}api/suppliers/{supplier}/callbacks?partner=…&amp;order=…&amp;sig=…</c>,
/// where <c>sig</c> is an HMAC-SHA256 of supplier, partner and order under the supplier's <c>CallbackSecret</c>. A
/// supplier that signs nothing (DT One documents no signature) can then only call back about orders we gave it, and a
/// callback is never believed anyway: it only makes the order's supplier be asked now instead of later.
/// </summary>
internal static class SupplierCallbacks
{
    /// <summary>The callback URL for an order, or null when the supplier has no callback base URL (polling only).</summary>
    public static Uri? UrlFor(string supplier, SupplierOptions settings, string partnerId, string orderId) => settings.CallbackBaseUrl is { } baseUrl && settings.CallbackSecret.Length > 0
            ? new Uri(baseUrl, $"api/suppliers/{Uri.EscapeDataString(supplier)}/callbacks?partner={Uri.EscapeDataString(partnerId)}&order={Uri.EscapeDataString(orderId)}&sig={Signature(settings.CallbackSecret, supplier, partnerId, orderId)}")
            : null;

    /// <summary>Whether <paramref name="signature"/> is ours for that supplier, partner and order (constant-time).</summary>
    public static bool IsGenuine(string supplier, SupplierOptions settings, string partnerId, string orderId, string signature)
    {
        var secret = settings.CallbackSecret;
        return secret.Length > 0 && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Signature(secret, supplier, partnerId, orderId)), Encoding.ASCII.GetBytes(signature));
    }

    private static string Signature(string secret, string supplier, string partnerId, string orderId) =>
        Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{supplier}\n{partnerId}\n{orderId}")));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
