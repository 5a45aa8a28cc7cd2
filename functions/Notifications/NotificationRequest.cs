namespace Fulfilment.Notifications;

/// <summary>A notification to send: the partner is told the order reached <see cref="State"/>. Attempt counts from 1.</summary>
internal sealed record NotificationRequest(string PartnerId, string OrderId, string State, int Attempt)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceParent { get; init; }
}
