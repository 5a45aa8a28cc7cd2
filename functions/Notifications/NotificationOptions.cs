using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Notifications;

internal sealed class NotificationOptions
{
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    [Range(0.01, 3600)]
    public double FirstDelaySeconds { get; set; } = 5;

    [Range(0.01, 86_400)]
    public double MaxDelaySeconds { get; set; } = 3600;

    [Range(0.1, 120)]
    public double TimeoutSeconds { get; set; } = 10;
}
