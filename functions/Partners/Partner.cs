namespace Fulfilment.Partners;

/// <summary>
/// A shop that sends us paid orders: it signs Standard Webhooks with any of its active secrets, and its payment
/// providers' own notifications are verified with its credentials for them.
/// </summary>
internal sealed record Partner(string Id, string Name, IReadOnlyList<WebhookSecret> Secrets)
{
    /// <summary>Where terminal order states are POSTed (signed the Standard Webhooks way); none = no notifications.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>Its credentials for payment providers (Stripe, WeChat Pay, Alipay), active and retired.</summary>
    public IReadOnlyList<ProviderCredential> ProviderCredentials { get; init; } = [];

    /// <summary>The credentials for <paramref name="provider"/> that verify its notifications now.</summary>
    public IReadOnlyList<ProviderCredential> ActiveCredentials(string provider, DateTimeOffset now) =>
        [.. ProviderCredentials.Where(c => c.Provider == provider && c.IsActiveAt(now))];

    /// <summary>The secrets that verify webhooks and sign callbacks now.</summary>
    public IReadOnlyList<WebhookSecret> ActiveSecrets(DateTimeOffset now) => [.. Secrets.Where(s => s.IsActiveAt(now))];
}
