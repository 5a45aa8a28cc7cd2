using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Orders;

/// <summary>How fulfilment messages are sent (an app setting at the root, next to the queue names).</summary>
internal sealed class FulfilmentSendOptions
{
    /// <summary>
    /// How long one fulfilment message may take to send before the webhooks waiting on it are answered with an error
    /// (their partners send them again). Webhooks wait on one message at a time, so this bounds how long a stalled
    /// send holds up the ones after it.
    /// </summary>
    [Range(1, 300)]
    public int FulfilmentSendTimeoutSeconds { get; set; } = 10;
}
