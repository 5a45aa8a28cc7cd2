using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Fulfilment.Partners;

/// <summary>
/// Makes a payment-provider credential from what ops give, checking each field as its provider defines it, so a
/// credential that could never verify a notification is refused when it is set, not when the first payment fails.
/// Public keys are kept as SubjectPublicKeyInfo PEM whatever form they came in.
/// </summary>
internal static partial class ProviderCredentials
{
    public const int MinRsaKeyBits = 2048;

    /// <summary>The fields ops send (see the contract's <c>PaymentCredentialRequest</c>).</summary>
    internal sealed record Fields(
        string? Provider, string? EndpointSecret, string? MerchantId, string? ApiV3Key, string? PublicKeySerial, string? PublicKey, string? AppId, string? SellerId);

    public static (ProviderCredential? Credential, IReadOnlyList<string> Problems) Create(Fields f, DateTimeOffset now)
    {
        var problems = new List<string>();
        var id = "pcr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var credential = new ProviderCredential(id, f.Provider ?? "", now);
        string? Unexpected(params (string Name, string? Value)[] fields) =>
            fields.Where(x => x.Value is not null).Select(x => x.Name).FirstOrDefault() is { } name ? $"{name} is not a field of a {f.Provider} credential" : null;
        switch (f.Provider)
        {
            case PaymentProvider.Stripe:
                if (f.EndpointSecret is not { } secret || !StripeSecret().IsMatch(secret))
                {
                    problems.Add("endpointSecret must be the endpoint's signing secret: whsec_ followed by at least 24 letters and digits");
                }

                problems.AddRange(new[] { Unexpected(("merchantId", f.MerchantId), ("apiV3Key", f.ApiV3Key), ("publicKeySerial", f.PublicKeySerial), ("publicKey", f.PublicKey), ("appId", f.AppId), ("sellerId", f.SellerId)) }.OfType<string>());
                credential = credential with { EndpointSecret = f.EndpointSecret };
                break;
            case PaymentProvider.WeChatPay:
                if (f.MerchantId is not { } mchid || !Digits().IsMatch(mchid)) problems.Add("merchantId must be the WeChat Pay merchant id (digits)");
                if (f.ApiV3Key is not { Length: 32 } key || !key.All(char.IsAsciiLetterOrDigit)) problems.Add("apiV3Key must be the 32-character APIv3 key (letters and digits)");
                if (f.PublicKeySerial is not { } serial || !Serial().IsMatch(serial)) problems.Add("publicKeySerial must be the serial of the WeChat Pay public key (PUB_KEY_ID_…) or platform certificate");
                var wechatKey = PublicKeyPem(f.PublicKey, "publicKey", problems);
                problems.AddRange(new[] { Unexpected(("endpointSecret", f.EndpointSecret), ("appId", f.AppId), ("sellerId", f.SellerId)) }.OfType<string>());
                credential = credential with { MerchantId = f.MerchantId, ApiV3Key = f.ApiV3Key, PublicKeySerial = f.PublicKeySerial, PublicKeyPem = wechatKey };
                break;
            case PaymentProvider.Alipay:
                if (f.AppId is not { } appId || !Digits().IsMatch(appId)) problems.Add("appId must be the Alipay application id (digits)");
                if (f.SellerId is not { } sellerId || !AlipaySeller().IsMatch(sellerId)) problems.Add("sellerId must be the Alipay seller id: 16 digits beginning 2088");
                var alipayKey = PublicKeyPem(f.PublicKey, "publicKey", problems);
                problems.AddRange(new[] { Unexpected(("endpointSecret", f.EndpointSecret), ("merchantId", f.MerchantId), ("apiV3Key", f.ApiV3Key), ("publicKeySerial", f.PublicKeySerial)) }.OfType<string>());
                credential = credential with { AppId = f.AppId, SellerId = f.SellerId, PublicKeyPem = alipayKey };
                break;
            default:
                problems.Add($"provider must be one of {string.Join(", ", PaymentProvider.All)}");
                break;
        }

        return problems.Count > 0 ? (null, problems) : (credential, problems);
    }

    /// <summary>An RSA public key of at least 2048 bits from a PEM public key, a PEM certificate, or bare base64 SubjectPublicKeyInfo; as SubjectPublicKeyInfo PEM.</summary>
    private static string? PublicKeyPem(string? text, string field, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 16 * 1024)
        {
            problems.Add($"{field} must be an RSA public key or certificate (PEM, or the bare base64 public key)");
            return null;
        }

        try
        {
            using var rsa = RSA.Create();
            if (text.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
            {
                using var certificate = X509Certificate2.CreateFromPem(text);
                using var certificateKey = certificate.GetRSAPublicKey() ?? throw new CryptographicException("not an RSA certificate");
                rsa.ImportSubjectPublicKeyInfo(certificateKey.ExportSubjectPublicKeyInfo(), out _);
            }
            else if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                rsa.ImportFromPem(text);
            }
            else
            {
                rsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(text.Trim()), out _);
            }

            if (rsa.KeySize < MinRsaKeyBits)
            {
                problems.Add($"{field} is a {rsa.KeySize}-bit key; at least {MinRsaKeyBits} bits are required");
                return null;
            }

            return rsa.ExportSubjectPublicKeyInfoPem();
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            problems.Add($"{field} must be an RSA public key or certificate (PEM, or the bare base64 public key)");
            return null;
        }
    }

    [GeneratedRegex(@"^whsec_[A-Za-z0-9]{24,200}\z")]
    private static partial Regex StripeSecret();

    [GeneratedRegex(@"^[0-9]{1,32}\z")]
    private static partial Regex Digits();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,64}\z")]
    private static partial Regex Serial();

    [GeneratedRegex(@"^2088[0-9]{12}\z")]
    private static partial Regex AlipaySeller();
}
