using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Delivery;

internal sealed class SupplierDeliveryOptions
{
    /// <summary>First wait before asking a supplier about an unknown outcome; doubles each time, with jitter.</summary>
    [Range(0.01, 3600)]
    public double ReconcileFirstDelaySeconds { get; set; } = 2;

    [Range(0.01, 3600)]
    public double ReconcileMaxDelaySeconds { get; set; } = 300;

    /// <summary>Still unknown after this long: the order needs attention and ops get an alert.</summary>
    [Range(0.01, 10_080)]
    public double ReconcileDeadlineMinutes { get; set; } = 60;

    /// <summary>Redemptions: submits made, each after a confirmed failure, before giving up (calls never sent do not count).</summary>
    [Range(1, 100)]
    public int RedemptionMaxAttempts { get; set; } = 5;
}
