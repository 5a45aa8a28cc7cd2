using System.Security.Cryptography;
using System.Text;

namespace Fulfilment.Crypto;

/// <summary>
/// Seals one card key under its batch's DEK, bound to its row (SKU, key id, format version), and derives
/// its key id: an HMAC of the key under the SKU's fingerprint key, equal for equal keys, revealing nothing.
/// </summary>
internal static class CardKeyCipher
{
    public const int FormatVersion = 1;

    public static byte[] Seal(byte[] dek, string sku, string keyId, string cardKey) =>
        Aead.Seal(dek, Encoding.UTF8.GetBytes(cardKey), AssociatedData(sku, keyId, FormatVersion));

    public static string Open(byte[] dek, string sku, string keyId, int formatVersion, byte[] sealedKey) =>
        Encoding.UTF8.GetString(Aead.Open(dek, sealedKey, AssociatedData(sku, keyId, formatVersion)));

    /// <summary>A key id's length: 16 bytes of the keyed fingerprint, in lower-case hex.</summary>
    public const int KeyIdLength = 2 * KeyIdBytes;
    private const int KeyIdBytes = 16;

    public static string KeyId(byte[] fingerprintKey, string cardKey) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(fingerprintKey, Encoding.UTF8.GetBytes(cardKey)).AsSpan(0, KeyIdBytes));

    private static string AssociatedData(string sku, string keyId, int formatVersion) => $"card-key|v{formatVersion}|{sku}|{keyId}";
}
