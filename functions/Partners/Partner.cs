namespace Fulfilment.Partners;

/// <summary>A shop that sends us paid orders; it signs webhooks with any of its active secrets.</summary>
internal sealed record Partner(string Id, string Name, IReadOnlyList<WebhookSecret> Secrets)
{
    /// <summary>Where terminal order states are POSTed (signed the Standard Webhooks way); none = no notifications.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>The secrets that verify webhooks and sign callbacks now.</summary>
    public IReadOnlyList<WebhookSecret> ActiveSecrets(DateTimeOffset now) => [.. Secrets.Where(s => s.IsActiveAt(now))];
}
