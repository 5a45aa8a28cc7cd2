using Fulfilment.Storage;

namespace Fulfilment.Hosting;

/// <summary>The outcome of one queue invocation, as the trigger (Functions host or local) must act on it.</summary>
internal sealed record InvocationOutcome(bool Succeeded, string? Error)
{
    public static readonly InvocationOutcome Success = new(true, null);
}

/// <summary>
/// Runs a queue function for one message: the single place where a message's failure is classified.
/// A poison message is moved to the poison queue at once and acknowledged; any other exception fails the
/// invocation so the trigger retries it (and poisons it after <c>maxDequeueCount</c>).
/// </summary>
internal sealed class QueueFunctionInvoker(
    IEnumerable<IQueueFunction> functions,
    QueueMessages queueMessages,
    QueueFailureLog failures,
    ILogger<QueueFunctionInvoker> logger)
{
    private readonly Dictionary<string, IQueueFunction> byName = functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public bool Handles(string functionName) => byName.ContainsKey(functionName);

    public async Task<InvocationOutcome> InvokeAsync(QueueInvocation invocation, CancellationToken cancellationToken)
    {
        var function = byName[invocation.FunctionName];
        try
        {
            await function.RunAsync(invocation, cancellationToken);
            return InvocationOutcome.Success;
        }
        catch (PoisonMessageException poison)
        {
            logger.LogWarning(
                "Message {MessageId} on {QueueName} cannot be processed and goes to the poison queue: {Reason}",
                invocation.MessageId, invocation.QueueName, poison.Message);
            await queueMessages.PoisonAsync(invocation, poison.Message, cancellationToken);
            return InvocationOutcome.Success;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = $"{exception.GetType().Name}: {exception.Message}";
            logger.LogWarning(
                exception,
                "Function {FunctionName} failed for message {MessageId} on {QueueName} (dequeue count {DequeueCount})",
                invocation.FunctionName, invocation.MessageId, invocation.QueueName, invocation.DequeueCount);
            await RecordFailureAsync(invocation, reason, cancellationToken);
            return new InvocationOutcome(false, reason);
        }
    }

    private async Task RecordFailureAsync(QueueInvocation invocation, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await failures.RecordAsync(invocation, reason, poisoned: false, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The invocation has failed already and will be retried; a lost reason must not change that.
            logger.LogWarning(exception, "Could not record the failure reason of message {MessageId}", invocation.MessageId);
        }
    }
}
