using System.Text.RegularExpressions;

namespace Fulfilment.Partners;

/// <summary>A shop that sends us paid orders; it signs webhooks with any of its active secrets.</summary>
internal sealed record Partner(string Id, string Name, IReadOnlyList<string> WebhookSecrets)
{
    /// <summary>Where terminal order states are POSTed (signed the Standard Webhooks way); none = no notifications.</summary>
    public Uri? CallbackUrl { get; init; }
}

internal static partial class PartnerId
{
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{1,62}\z")]
    private static partial Regex Pattern();
}
