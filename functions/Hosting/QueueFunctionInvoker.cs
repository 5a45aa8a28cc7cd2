using System.Diagnostics;
using Fulfilment.Storage;
using Polly;
using Polly.Retry;

namespace Fulfilment.Hosting;

/// <summary>
/// Runs a queue function for one message: the single place where a message's failure is classified.
/// A poison message is moved to the poison queue at once and acknowledged. An outage of storage or Key Vault is
/// waited out inside the invocation, backing off, for <see cref="OutageTolerance"/>: the message stays leased and
/// its dequeue count does not grow, so minutes of outage poison nothing. An expected "try again later"
/// (<see cref="RetryLaterException"/>) and any other exception fail the invocation so the trigger retries it (and
/// poisons it after <c>maxDequeueCount</c>); only the unexpected ones are logged as warnings with their stack trace.
/// </summary>
internal sealed class QueueFunctionInvoker(
    IEnumerable<IQueueFunction> functions,
    QueueMessages queueMessages,
    QueueFailureLog failures,
    ILogger<QueueFunctionInvoker> logger)
{
    /// <summary>How long one invocation waits out an outage before it fails like any other error.</summary>
    public static readonly TimeSpan OutageTolerance = TimeSpan.FromMinutes(3);

    private readonly Dictionary<string, IQueueFunction> byName = functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public bool Handles(string functionName) => byName.ContainsKey(functionName);

    public async Task<InvocationOutcome> InvokeAsync(QueueInvocation invocation, CancellationToken cancellationToken)
    {
        var function = byName[invocation.FunctionName];
        if (queueMessages.IsLastAttempt(invocation))
        {
            // If this attempt never ends (the worker is killed, stopped or timed out), the trigger moves the message to
            // its poison queue without running it again, and nothing here could say why: say it now. A failure of this
            // attempt replaces the reason; success leaves the message deleted and the row unread.
            await RecordFailureAsync(invocation, $"its last allowed attempt ({invocation.DequeueCount}) began and ended without an outcome: the worker stopped, was killed or timed out", FailureOutcome.Retried, cancellationToken);
        }

        try
        {
            await RunWaitingOutOutagesAsync(function, invocation, cancellationToken);
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
            string reason;
            if (exception is RetryLaterException)
            {
                reason = exception.Message; // expected: no stack trace, no warning
                logger.LogInformation(
                    "Function {FunctionName}, message {MessageId} on {QueueName} (dequeue count {DequeueCount}) is tried again later: {Reason}",
                    invocation.FunctionName, invocation.MessageId, invocation.QueueName, invocation.DequeueCount, reason);
            }
            else
            {
                reason = $"{exception.GetType().Name}: {exception.Message}";
                logger.LogWarning(
                    exception,
                    "Function {FunctionName} failed for message {MessageId} on {QueueName} (dequeue count {DequeueCount})",
                    invocation.FunctionName, invocation.MessageId, invocation.QueueName, invocation.DequeueCount);
            }

            await RecordFailureAsync(invocation, reason, cancellationToken);
            return new InvocationOutcome(false, reason);
        }
    }

    private static readonly ResiliencePropertyKey<long> WaitingSince = new("outage-waiting-since");
    private static readonly ResiliencePropertyKey<QueueInvocation?> Invocation = new("invocation");

    /// <summary>Retries an invocation that met an outage, backing off up to 15 s, until <see cref="OutageTolerance"/> has passed.</summary>
    private readonly ResiliencePipeline outageRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } exception
                && Outage.IsOutage(exception, args.Context.CancellationToken)
                && Stopwatch.GetElapsedTime(args.Context.Properties.GetValue(WaitingSince, 0)) < OutageTolerance),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(500),
            MaxDelay = TimeSpan.FromSeconds(15),
            OnRetry = args =>
            {
                var invocation = args.Context.Properties.GetValue(Invocation, null);
                logger.LogWarning(
                    "Function {FunctionName}, message {MessageId} on {QueueName}: a dependency is unreachable ({Failure}); trying again in {Delay}",
                    invocation?.FunctionName, invocation?.MessageId, invocation?.QueueName,
                    args.Outcome.Exception!.GetType().Name + ": " + args.Outcome.Exception.Message, args.RetryDelay);
                return default;
            },
        })
        .Build();

    private async Task RunWaitingOutOutagesAsync(IQueueFunction function, QueueInvocation invocation, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(WaitingSince, Stopwatch.GetTimestamp());
        context.Properties.Set(Invocation, invocation);
        try
        {
            await outageRetry.ExecuteAsync(
                static (context, state) => new ValueTask(state.function.RunAsync(state.invocation, context.CancellationToken)),
                context,
                (function, invocation));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task RecordFailureAsync(QueueInvocation invocation, string reason, CancellationToken cancellationToken) =>
        // On its last attempt the trigger (Functions host or local) moves the message to the poison queue: recorded, and
        // counted in fulfilment.queue.poisoned, here, the one place that sees it in both.
        RecordFailureAsync(invocation, reason, queueMessages.IsLastAttempt(invocation) ? FailureOutcome.PoisonedAfterLastAttempt : FailureOutcome.Retried, cancellationToken);

    private async Task RecordFailureAsync(QueueInvocation invocation, string reason, FailureOutcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await failures.RecordAsync(invocation, reason, outcome, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The invocation has failed already and will be retried; a lost reason must not change that.
            logger.LogWarning(exception, "Could not record the failure reason of message {MessageId}", invocation.MessageId);
        }
    }
}
