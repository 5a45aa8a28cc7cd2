using System.Text.RegularExpressions;

namespace Fulfilment.Partners;

/// <summary>
/// One of a partner's webhook secrets. Its id names it to ops without revealing it. Once retired (after the overlap ops
/// gave for the partner to switch), it verifies nothing and signs nothing.
/// </summary>
internal sealed record WebhookSecret(string Id, string Value, DateTimeOffset? CreatedAt, DateTimeOffset? RetiresAt = null, DateTimeOffset? LastUsedAt = null)
{
    public static WebhookSecret New(DateTimeOffset now)
    {
        var value = PartnerCredentials.NewWebhookSecret();
        return new WebhookSecret(PartnerCredentials.SecretIdOf(value), value, now);
    }

    public bool IsActiveAt(DateTimeOffset now) => RetiresAt is not { } retires || retires > now;
}

/// <summary>A shop that sends us paid orders; it signs webhooks with any of its active secrets.</summary>
internal sealed record Partner(string Id, string Name, IReadOnlyList<WebhookSecret> Secrets)
{
    /// <summary>Where terminal order states are POSTed (signed the Standard Webhooks way); none = no notifications.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>The secrets that verify webhooks and sign callbacks now.</summary>
    public IReadOnlyList<WebhookSecret> ActiveSecrets(DateTimeOffset now) => [.. Secrets.Where(s => s.IsActiveAt(now))];
}

internal static partial class PartnerId
{
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{1,62}\z")]
    private static partial Regex Pattern();
}

/// <summary>An API key as ops see it: its id, never the key.</summary>
internal sealed record ApiKeyInfo(string KeyId, DateTimeOffset? CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RetiresAt);
