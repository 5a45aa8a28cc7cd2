using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Delivery;

internal sealed class OrderSweepOptions
{
    /// <summary>An order that has been paid or submitting this long with nothing working on it is queued again.</summary>
    [Range(5, 3600)]
    public int QuietSeconds { get; set; } = 30;

    /// <summary>A top-up or redemption still open this long past its reconciliation deadline needs attention, whatever its messages did.</summary>
    [Range(1, 1440)]
    public int DeadlineGraceMinutes { get; set; } = 10;
}
