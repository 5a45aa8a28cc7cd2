using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fulfilment.Webhooks;

/// <summary>
/// Standard Webhooks v1 signatures: <c>webhook-signature</c> is a space-separated list of
/// <c>v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c> under a <c>whsec_</c> secret. Any listed v1
/// signature matching any active secret passes; other versions are ignored; timestamps outside the tolerance fail.
/// </summary>
internal static class StandardWebhook
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static SignatureFailure Verify(
        IEnumerable<string> secrets,
        string? id,
        string? timestamp,
        string? signatureHeader,
        ReadOnlySpan<byte> body,
        DateTimeOffset now,
        TimeSpan tolerance) =>
        Verify(secrets, id, timestamp, signatureHeader, body, now, tolerance, out _);

    /// <summary>As above, also saying which secret verified the message (to record its use).</summary>
    public static SignatureFailure Verify(
        IEnumerable<string> secrets,
        string? id,
        string? timestamp,
        string? signatureHeader,
        ReadOnlySpan<byte> body,
        DateTimeOffset now,
        TimeSpan tolerance,
        out string? matchedSecret)
    {
        matchedSecret = null;
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return SignatureFailure.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureFailure.InvalidTimestamp;
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if ((now - sentAt).Duration() > tolerance)
        {
            return SignatureFailure.StaleTimestamp;
        }

        var offered = new List<byte[]>();
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',');
            if (comma > 0 && entry.AsSpan(0, comma).SequenceEqual("v1") && TryFromBase64(entry[(comma + 1)..], out var signature))
            {
                offered.Add(signature);
            }
        }

        foreach (var secret in secrets)
        {
            var expected = Sign(secret, id, timestamp, body);
            foreach (var signature in offered)
            {
                // Every pair is compared in constant time; no early exit that a timing could reveal.
                if (CryptographicOperations.FixedTimeEquals(expected, signature))
                {
                    matchedSecret ??= secret;
                }
            }
        }

        return matchedSecret is not null ? SignatureFailure.None : SignatureFailure.NoMatchingSignature;
    }

    /// <summary>The raw v1 signature bytes of a message under a <c>whsec_</c> secret.</summary>
    public static byte[] Sign(string secret, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key, signed);
    }

    /// <summary>The <c>webhook-signature</c> header value for a message: what a sender (or our demo and tests) sends.</summary>
    public static string SignatureHeaderValue(string secret, string id, string timestamp, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(Sign(secret, id, timestamp, body));

    private static bool TryFromBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }

        bytes = [];
        return false;
    }
}
