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
