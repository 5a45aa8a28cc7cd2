using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fulfilment.Crypto;
using Fulfilment.Serialization;

namespace Fulfilment.RedemptionLog;

/// <summary>
/// Continuation tokens for the redemption log: opaque to partners and authenticated (HMAC-SHA256 under a key
/// derived from the KEK), bound to the partner and the query, expiring after <see cref="Lifetime"/>. Raw Table
/// continuation headers never leave the app.
/// </summary>
internal sealed class ContinuationTokens(IKeyEncryptionKeys keks, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(72);
    public async Task<string> IssueAsync(
        string partnerId, string queryHash, DateTimeOffset from, DateTimeOffset to, string day, string afterRowKey, CancellationToken cancellationToken)
    {
        var kek = await keks.GetCurrentAsync(cancellationToken);
        var position = new LogPosition(
            partnerId, queryHash, from.UtcTicks, to.UtcTicks, day, afterRowKey, (clock.GetUtcNow() + Lifetime).ToUnixTimeSeconds(), kek.Version);
        var payload = JsonSerializer.SerializeToUtf8Bytes(position, AppJson.Options);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(Sign(kek, payload))}";
    }

    /// <summary>The position, or why the token is not valid for this partner and query.</summary>
    public async Task<(LogPosition? Position, string? Problem)> ReadAsync(string token, string partnerId, string queryHash, CancellationToken cancellationToken)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || !TryFromBase64Url(token[..dot], out var payload) || !TryFromBase64Url(token[(dot + 1)..], out var signature))
        {
            return (null, "the continuation token is malformed");
        }

        LogPosition? position;
        try
        {
            position = JsonSerializer.Deserialize<LogPosition>(payload, AppJson.Options);
        }
        catch (JsonException)
        {
            return (null, "the continuation token is malformed");
        }

        if (position?.KekVersion is null)
        {
            return (null, "the continuation token is malformed");
        }

        // Only the current KEK (cached) verifies a token: a forged token naming any other version never makes us ask
        // Key Vault for it. A token from before a KEK rotation is refused; the partner starts its paging again.
        var kek = await keks.GetCurrentAsync(cancellationToken);
        if (position.KekVersion != kek.Version)
        {
            return (null, "the continuation token was not issued here, or before a key rotation; start again without it");
        }

        if (!CryptographicOperations.FixedTimeEquals(Sign(kek, payload), signature))
        {
            return (null, "the continuation token was altered or not issued here");
        }

        return position.ExpiresAt < clock.GetUtcNow().ToUnixTimeSeconds() ? (null, "the continuation token has expired; start again without it")
            : position.PartnerId != partnerId ? (null, "the continuation token belongs to another partner")
            : position.QueryHash != queryHash ? (null, "the continuation token belongs to another query (filters, order or page size changed)")
            : (position, null);
    }

    private static byte[] Sign(KeyEncryptionKey kek, byte[] payload) =>
        HMACSHA256.HashData(HKDF.DeriveKey(HashAlgorithmName.SHA256, kek.Key, 32, info: Encoding.UTF8.GetBytes("redemption-log-continuation-token")), payload);

    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        var buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (Base64Url.TryDecodeFromChars(text, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }

        bytes = [];
        return false;
    }
}
