using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Fulfilment.Partners;

/// <summary>Creates partner secrets: Standard Webhooks secrets (<c>whsec_</c> + base64) and API keys stored only as hashes.</summary>
internal static class PartnerCredentials
{
    public const string WebhookSecretPrefix = "whsec_";
    public const string ApiKeyPrefix = "ful_";

    public static string NewWebhookSecret() => WebhookSecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string NewApiKey() => ApiKeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>What is stored for an API key: its SHA-256, enough for a 256-bit random key.</summary>
    public static string HashApiKey(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>
    /// The secret our callbacks to the partner are signed with: derived from a webhook secret but not it, so that one
    /// direction's signatures are worthless in the other (a callback replayed to our webhook does not verify).
    /// </summary>
    public static string CallbackSecretOf(string webhookSecret) =>
        WebhookSecretPrefix + Convert.ToBase64String(HMACSHA256.HashData(
            Convert.FromBase64String(webhookSecret[WebhookSecretPrefix.Length..]), Encoding.UTF8.GetBytes("fulfilment partner callbacks v1")));

    /// <summary>Names a webhook secret for ops (to retire it) without revealing it: the start of its hash.</summary>
    public static string SecretIdOf(string secret) => "sec_" + HashApiKey(secret)[..12];

    /// <summary>Names an API key for ops (to revoke it) without revealing it: the start of its hash.</summary>
    public static string KeyIdOf(string apiKey) => HashApiKey(apiKey)[..ApiKeyIdLength];

    /// <summary>An API key's id: the first hex digits of its hash, enough to tell a partner's keys apart, never enough to find the key.</summary>
    public const int ApiKeyIdLength = 16;
}
