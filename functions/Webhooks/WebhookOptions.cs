using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Webhooks;

internal sealed class WebhookOptions
{
    /// <summary>How far a webhook's timestamp may be from now, either way.</summary>
    [Range(1, 3600)]
    public int ToleranceSeconds { get; set; } = 300;

    public const int MaxBodyBytes = 64 * 1024;
}
