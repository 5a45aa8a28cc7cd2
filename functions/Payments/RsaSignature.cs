using System.Security.Cryptography;

namespace Fulfilment.Payments;

/// <summary>SHA256withRSA (PKCS#1 v1.5), as WeChat Pay and Alipay (RSA2) sign notifications: a base64 signature checked with a provider's public key.</summary>
internal static class RsaSignature
{
    /// <summary>True when <paramref name="base64Signature"/> signs <paramref name="data"/> under the key; a signature that is not base64 does not.</summary>
    public static bool Verifies(string? publicKeyPem, ReadOnlySpan<byte> data, string base64Signature)
    {
        var signature = new byte[base64Signature.Length];
        if (publicKeyPem is null || !Convert.TryFromBase64String(base64Signature, signature, out var length))
        {
            return false;
        }

        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        return rsa.VerifyData(data, signature.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
