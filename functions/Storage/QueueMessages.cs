using System.Text;
using Azure.Storage.Queues;

namespace Fulfilment.Storage;

/// <summary>
/// Sends messages the way the queue trigger expects to read them (host.json <c>messageEncoding</c>),
/// and moves a message to its <c>&lt;queue&gt;-poison</c> queue with the reason it failed.
/// </summary>
internal sealed class QueueMessages(QueueServiceClient queues, QueueExtensionSettings settings, QueueFailureLog failures)
{
    public const string PoisonSuffix = "-poison";

    public async Task SendAsync(string queueName, string messageText, CancellationToken cancellationToken, TimeSpan? visibilityDelay = null)
    {
        // Storage refuses a delay outside 0 to 7 days: whatever computed it, the message is still sent.
        var delay = visibilityDelay is { } d ? TimeSpan.FromTicks(Math.Clamp(d.Ticks, 0, RetryDelay.QueueMaximum.Ticks - TimeSpan.TicksPerMinute)) : (TimeSpan?)null;
        await queues.GetQueueClient(queueName).SendMessageAsync(Encode(messageText), delay, cancellationToken: cancellationToken);
    }

    /// <summary>Whether the trigger moves this message to its poison queue if this attempt fails (host.json <c>maxDequeueCount</c>).</summary>
    public bool IsLastAttempt(QueueInvocation invocation) => invocation.DequeueCount >= settings.MaxDequeueCount;

    /// <summary>Copies a message to the poison queue (creating it if missing) and records why.</summary>
    public Task PoisonAsync(QueueInvocation invocation, string reason, CancellationToken cancellationToken) =>
        PoisonAsync(invocation.QueueName, invocation.MessageText, invocation.FunctionName, reason, invocation.DequeueCount, cancellationToken);

    /// <summary>Puts a message the app gives up on into <c>&lt;queue&gt;-poison</c>, with the reason ops will see.</summary>
    public async Task PoisonAsync(
        string queueName, string messageText, string functionName, string reason, long attempts, CancellationToken cancellationToken)
    {
        var poison = queues.GetQueueClient(queueName + PoisonSuffix);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(Encode(messageText), cancellationToken: cancellationToken);
        await failures.RecordAsync(queueName, messageText, functionName, reason, attempts, FailureOutcome.PoisonedAtOnce, cancellationToken);
    }

    /// <summary>The raw body to put on a queue for the given text.</summary>
    public string Encode(string messageText) =>
        settings.UsesBase64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(messageText)) : messageText;

    /// <summary>The text of a raw queue body, or null when it is not valid for the configured encoding.</summary>
    public string? TryDecode(string rawBody)
    {
        if (!settings.UsesBase64)
        {
            return rawBody;
        }

        var buffer = new byte[rawBody.Length];
        if (!Convert.TryFromBase64String(rawBody, buffer, out var written))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
