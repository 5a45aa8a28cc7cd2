using System.Text.Json.Serialization;

namespace Fulfilment.Orders;

/// <summary>Which order to fulfil, and the trace it belongs to. A queue message carries no order content and no key material.</summary>
internal sealed record FulfilmentRequest(string PartnerId, string OrderId)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceParent { get; init; }
}
