using System.Text.Json;
using Fulfilment.Observability;
using Fulfilment.Serialization;
using Fulfilment.Storage;
using Microsoft.Extensions.Options;

namespace Fulfilment.Orders;

/// <summary>
/// Puts orders on the fulfilment queue. Requests made while another message is being sent (a burst of paid orders) go
/// together in the next message, up to <see cref="MaxOrdersPerMessage"/>: one message, one dequeue and one delete for
/// many orders, whose claims then share transactions too. Each caller returns once the message naming its order is on
/// the queue, and fails if that message could not be sent. A message names one order as <c>{"partnerId", "orderId"}</c>
/// or several as <c>{"orders": [...]}</c>.
/// </summary>
internal sealed class FulfilmentRequests(QueueMessages queueMessages, IOptions<QueueNames> queues, IOptions<FulfilmentSendOptions> sendOptions)
{
    public const int MaxOrdersPerMessage = 16;
    private readonly Lock gate = new();
    private readonly List<(FulfilmentRequest Request, TaskCompletionSource Sent)> waiting = [];
    private bool sending;

    /// <summary>Queues the order for fulfilment: after <paramref name="delay"/> on a message of its own, or at once with others.</summary>
    public Task RequestAsync(string partnerId, string orderId, CancellationToken cancellationToken, TimeSpan? delay = null)
    {
        var request = new FulfilmentRequest(partnerId, orderId) { TraceParent = OrderTracing.CurrentParent };
        if (delay is not null)
        {
            return queueMessages.SendAsync(queues.Value.OrderFulfilmentQueue, TextOf([request]), cancellationToken, delay);
        }

        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (gate)
        {
            waiting.Add((request, sent));
            start = !sending;
            sending = true;
        }

        if (start)
        {
            _ = Task.Run(SendWaitingAsync, CancellationToken.None);
        }

        return sent.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Queues this request again, on a message of its own, on <paramref name="queueName"/> after <paramref name="delay"/>.</summary>
    public Task RequestAgainAsync(string queueName, FulfilmentRequest request, TimeSpan delay, CancellationToken cancellationToken) =>
        queueMessages.SendAsync(queueName, TextOf([request]), cancellationToken, delay);

    /// <summary>Asks again about a redemption after <paramref name="delay"/>, on the redemption retry queue.</summary>
    public Task RequestRedemptionRetryAsync(string partnerId, string orderId, TimeSpan delay, CancellationToken cancellationToken) =>
        queueMessages.SendAsync(
            queues.Value.RedemptionRetryQueue,
            TextOf([new FulfilmentRequest(partnerId, orderId) { TraceParent = OrderTracing.CurrentParent }]),
            cancellationToken,
            delay);

    /// <summary>One message after another, each with every request waiting when it starts (up to the most a message names).</summary>
    private async Task SendWaitingAsync()
    {
        while (true)
        {
            List<(FulfilmentRequest Request, TaskCompletionSource Sent)> batch;
            lock (gate)
            {
                if (waiting.Count == 0)
                {
                    sending = false;
                    return;
                }

                batch = waiting.GetRange(0, Math.Min(waiting.Count, MaxOrdersPerMessage));
                waiting.RemoveRange(0, batch.Count);
            }

            // Not the callers' cancellation: a caller that stops waiting still has its order queued. A send that stalls
            // fails its callers after the timeout, and the next message goes.
            var timeout = TimeSpan.FromSeconds(sendOptions.Value.FulfilmentSendTimeoutSeconds);
            using var stalled = new CancellationTokenSource(timeout);
            try
            {
                await queueMessages.SendAsync(queues.Value.OrderFulfilmentQueue, TextOf(batch.ConvertAll(b => b.Request)), stalled.Token);
                batch.ForEach(b => b.Sent.TrySetResult());
            }
            catch (OperationCanceledException) when (stalled.IsCancellationRequested)
            {
                var failure = new TimeoutException($"The fulfilment message naming {batch.Count} order(s) was not sent within {timeout.TotalSeconds:F0} s.");
                batch.ForEach(b => b.Sent.TrySetException(failure));
            }
            catch (Exception e)
            {
                batch.ForEach(b => b.Sent.TrySetException(e));
            }
        }
    }

    /// <summary>The message naming these orders: the one-order form for one.</summary>
    public static string TextOf(IReadOnlyList<FulfilmentRequest> requests) => requests.Count == 1
        ? JsonSerializer.Serialize(requests[0], AppJson.Options)
        : JsonSerializer.Serialize(new FulfilmentRequestBatch(requests), AppJson.Options);

    /// <summary>Reads a message that must name orders to fulfil; anything else goes to the poison queue at once.</summary>
    public static IReadOnlyList<FulfilmentRequest> ParseOrPoison(string messageText) =>
        ParseAll(messageText) ?? throw new PoisonMessageException(
            $"message is not a fulfilment request ({{\"partnerId\", \"orderId\"}}, or {{\"orders\": [...]}} naming 1 to {MaxOrdersPerMessage} of them)");

    /// <summary>Reads a one-order message; null when it is not one.</summary>
    public static FulfilmentRequest? Parse(string messageText) => ParseAll(messageText) is [var single] ? single : null;

    /// <summary>The orders a message names; null when it is not exactly a fulfilment request (a property named twice, at any depth, included).</summary>
    public static IReadOnlyList<FulfilmentRequest>? ParseAll(string messageText)
    {
        try
        {
            using var document = JsonDocument.Parse(messageText, new JsonDocumentOptions { AllowDuplicateProperties = false });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("orders", out _))
            {
                var orders = root.Deserialize<FulfilmentRequestBatch>(AppJson.Options)?.Orders;
                return orders is { Count: > 0 and <= MaxOrdersPerMessage } && orders.All(IsValid) ? orders : null;
            }

            var request = root.Deserialize<FulfilmentRequest>(AppJson.Options);
            return IsValid(request) ? [request!] : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsValid(FulfilmentRequest? request) => request is { PartnerId.Length: > 0, OrderId.Length: > 0 };
}
