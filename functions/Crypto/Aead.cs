using System.Security.Cryptography;
using System.Text;

namespace Fulfilment.Crypto;

/// <summary>
/// AES-256-GCM with a random 96-bit nonce; the sealed form is nonce ‖ ciphertext ‖ tag. The associated data
/// binds a ciphertext to where it belongs, so a sealed value copied elsewhere does not open.
/// </summary>
internal static class Aead
{
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var sealedValue = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedValue.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(
            nonce,
            plaintext,
            sealedValue.AsSpan(NonceSize, plaintext.Length),
            sealedValue.AsSpan(NonceSize + plaintext.Length, TagSize),
            Encoding.UTF8.GetBytes(associatedData));
        return sealedValue;
    }

    /// <exception cref="SealedValueException">The value was tampered with, moved, or sealed under another key.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedValue, string associatedData)
    {
        if (sealedValue.Length < NonceSize + TagSize)
        {
            throw new SealedValueException("sealed value is too short");
        }

        var plaintext = new byte[sealedValue.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(
                sealedValue[..NonceSize],
                sealedValue[NonceSize..^TagSize],
                sealedValue[^TagSize..],
                plaintext,
                Encoding.UTF8.GetBytes(associatedData));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SealedValueException("sealed value does not open: tampered, moved to another row, or sealed under another key");
        }
    }
}
