using System.Text.Json;
using Fulfilment.Storage;
using Microsoft.Extensions.Options;

namespace Fulfilment.Orders;

/// <summary>
/// The fulfilment queue's message: which order to fulfil, and the trace it belongs to. It carries no order content and
/// no key material.
/// </summary>
internal sealed record FulfilmentRequest(string PartnerId, string OrderId)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceParent { get; init; }
}

/// <summary>Puts orders on the fulfilment queue.</summary>
internal sealed class FulfilmentRequests(QueueMessages queueMessages, IOptions<QueueOptions> queues)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task RequestAsync(string partnerId, string orderId, CancellationToken cancellationToken, TimeSpan? delay = null) =>
        queueMessages.SendAsync(
            queues.Value.OrderFulfilmentQueue,
            JsonSerializer.Serialize(new FulfilmentRequest(partnerId, orderId) { TraceParent = OrderTracing.CurrentParent }, Json),
            cancellationToken,
            delay);

    /// <summary>Asks again about a redemption after <paramref name="delay"/>, on the redemption retry queue.</summary>
    public Task RequestRedemptionRetryAsync(string partnerId, string orderId, TimeSpan delay, CancellationToken cancellationToken) =>
        queueMessages.SendAsync(
            queues.Value.RedemptionRetryQueue,
            JsonSerializer.Serialize(new FulfilmentRequest(partnerId, orderId) { TraceParent = OrderTracing.CurrentParent }, Json),
            cancellationToken,
            delay);

    /// <summary>Reads a message that must be a fulfilment request; anything else goes to the poison queue at once.</summary>
    public static FulfilmentRequest ParseOrPoison(string messageText) =>
        Parse(messageText) ?? throw new Hosting.PoisonMessageException("message is not a fulfilment request ({\"partnerId\", \"orderId\"})");

    /// <summary>Reads a message; null when it is not a fulfilment request.</summary>
    public static FulfilmentRequest? Parse(string messageText)
    {
        try
        {
            var request = JsonSerializer.Deserialize<FulfilmentRequest>(messageText, Json);
            return request is { PartnerId.Length: > 0, OrderId.Length: > 0 } ? request : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
