namespace Fulfilment.Storage;

/// <summary>The <c>extensions.queues</c> section of host.json, with the queue extension's defaults.</summary>
internal sealed record QueueExtensionSettings
{
    public int BatchSize { get; init; } = 16;
    public int? NewBatchThreshold { get; init; }
    public int MaxDequeueCount { get; init; } = 5;
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);
    public string MessageEncoding { get; init; } = "base64";

    public int EffectiveNewBatchThreshold => NewBatchThreshold ?? BatchSize / 2;

    public bool UsesBase64 => MessageEncoding.Equals("base64", StringComparison.OrdinalIgnoreCase);
}
