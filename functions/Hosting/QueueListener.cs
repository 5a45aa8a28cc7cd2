using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Fulfilment.Storage;

namespace Fulfilment.Hosting;

/// <summary>
/// One queue trigger: dequeues up to <c>batchSize</c>, fetches more when in-flight drops to <c>newBatchThreshold</c>,
/// deletes on success, and on failure either hides the message for <c>visibilityTimeout</c> or, at
/// <c>maxDequeueCount</c>, moves it to <c>&lt;queue&gt;-poison</c>. Polls an empty queue with exponential back-off up to
/// <c>maxPollingInterval</c>.
/// <para>
/// Unlike the extension's 10 minutes, a message is leased for 30 s and the lease renewed every 10 s while the
/// function runs (a failed renewal is tried again, not given up): after a crash, the messages the dead process held
/// are back within 30 s, not 10 minutes. On shutdown, unfinished messages are made visible again at once.
/// </para>
/// </summary>
internal sealed class QueueListener(
    string functionName,
    QueueClient queue,
    QueueClient poisonQueue,
    QueueExtensionSettings settings,
    QueueFunctionInvoker invoker,
    QueueMessages queueMessages,
    QueueFailureLog failures,
    ILogger<QueueListener> logger)
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RenewalInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim completed = new(0);
    private int inFlight;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await EnsureQueueExistsAsync(stoppingToken);
        logger.LogInformation("Local trigger host: {FunctionName} listens on queue {QueueName}", functionName, queue.Name);
        var running = new HashSet<Task>();
        var delay = MinimumPollingInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (Volatile.Read(ref inFlight) > settings.EffectiveNewBatchThreshold)
                {
                    await completed.WaitAsync(stoppingToken);
                }

                running.RemoveWhere(t => t.IsCompleted);
                QueueMessage[] messages;
                try
                {
                    messages = (await queue.ReceiveMessagesAsync(settings.BatchSize, LeaseDuration, stoppingToken)).Value;
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(exception, "Receiving from {QueueName} failed; backing off", queue.Name);
                    messages = [];
                }

                if (messages.Length == 0)
                {
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(settings.MaxPollingInterval.Ticks, MinimumPollingInterval.Ticks)));
                    continue;
                }

                delay = MinimumPollingInterval;
                foreach (var message in messages)
                {
                    Interlocked.Increment(ref inFlight);
                    running.Add(Task.Run(() => ProcessAsync(message, stoppingToken), CancellationToken.None));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Let in-flight invocations finish their storage calls; an interrupted one reappears after its lease.
        await Task.WhenAll(running);
    }

    /// <summary>Storage may not answer yet at start-up: wait for it rather than stop the app.</summary>
    private async Task EnsureQueueExistsAsync(CancellationToken stoppingToken)
    {
        for (var delay = MinimumPollingInterval; ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks)))
        {
            try
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Queue {QueueName} is not reachable; retrying in {Delay}", queue.Name, delay);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        var lease = new Lease(message.MessageId, message.PopReceipt);
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewWhileRunningAsync(lease, renewal.Token);
        try
        {
            var outcome = await InvokeAsync(message, stoppingToken);
            await renewal.CancelAsync();
            await renewing;
            await SettleAsync(message, lease, outcome);
        }
        catch (Exception exception)
        {
            // Shutting down, or a storage call failed: the message reappears (at once if we can say so) and is retried.
            logger.LogWarning(exception, "Message {MessageId} on {QueueName} was not settled; it will be delivered again", message.MessageId, queue.Name);
            if (stoppingToken.IsCancellationRequested)
            {
                await ReleaseAsync(lease);
            }
        }
        finally
        {
            await renewal.CancelAsync();
            Interlocked.Decrement(ref inFlight);
            completed.Release();
        }
    }

    private async Task<InvocationOutcome> InvokeAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        if (message.DequeueCount > settings.MaxDequeueCount)
        {
            // Its last allowed attempt never ended (the app stopped or was killed mid-way): as the Functions host does, it
            // goes to the poison queue without running again. That attempt recorded why when it began.
            await MoveToPoisonAsync(message.Body.ToString());
            logger.LogWarning("Message {MessageId} on {QueueName} was delivered {DequeueCount} times without an outcome and goes to the poison queue",
                message.MessageId, queue.Name, message.DequeueCount);
            return InvocationOutcome.Success;
        }

        var text = queueMessages.TryDecode(message.Body.ToString());
        var invocation = new QueueInvocation(
            functionName, queue.Name, message.MessageId, text ?? message.Body.ToString(), message.DequeueCount, message.InsertedOn);
        if (text is null)
        {
            // A body that is not valid for the configured encoding can never be processed: straight to poison, with why.
            var reason = $"the message is not valid {settings.MessageEncoding} text (UTF-8 after decoding)";
            await MoveToPoisonAsync(message.Body.ToString());
            await failures.RecordAsync(queue.Name, message.Body.ToString(), functionName, reason, message.DequeueCount, FailureOutcome.PoisonedAtOnce, stoppingToken);
            logger.LogWarning("Message {MessageId} on {QueueName} goes to the poison queue: {Reason}", message.MessageId, queue.Name, reason);
            return InvocationOutcome.Success;
        }

        return await invoker.InvokeAsync(invocation, stoppingToken);
    }

    private async Task SettleAsync(QueueMessage message, Lease lease, InvocationOutcome outcome)
    {
        if (outcome.Succeeded)
        {
            await queue.DeleteMessageAsync(lease.MessageId, lease.PopReceipt, CancellationToken.None);
            return;
        }

        if (message.DequeueCount >= settings.MaxDequeueCount)
        {
            await MoveToPoisonAsync(message.Body.ToString());
            await queue.DeleteMessageAsync(lease.MessageId, lease.PopReceipt, CancellationToken.None);
            logger.LogWarning(
                "Message {MessageId} on {QueueName} failed {DequeueCount} times and moved to the poison queue: {Reason}",
                message.MessageId, queue.Name, message.DequeueCount, outcome.Error);
            return;
        }

        await queue.UpdateMessageAsync(lease.MessageId, lease.PopReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
    }

    /// <summary>Copies the raw body unchanged, as the Functions host does, then the caller deletes the original.</summary>
    private async Task MoveToPoisonAsync(string rawBody)
    {
        await poisonQueue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
        await poisonQueue.SendMessageAsync(rawBody, CancellationToken.None);
    }

    /// <summary>Keeps the message hidden while the function runs. A failed renewal (storage busy or away) is tried again.</summary>
    private async Task RenewWhileRunningAsync(Lease lease, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RenewalInterval, cancellationToken);
                var renewed = await queue.UpdateMessageAsync(lease.MessageId, lease.PopReceipt, visibilityTimeout: LeaseDuration, cancellationToken: cancellationToken);
                lease.PopReceipt = renewed.Value.PopReceipt;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                // Another receiver took the message after our lease lapsed: its run settles it, not ours.
                logger.LogWarning("Message {MessageId} on {QueueName} was taken over by another receiver", lease.MessageId, queue.Name);
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Renewing the lease of message {MessageId} on {QueueName} failed; trying again", lease.MessageId, queue.Name);
            }
        }
    }

    /// <summary>Makes an unfinished message visible again now, so that another instance (or our restart) takes it at once.</summary>
    private async Task ReleaseAsync(Lease lease)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await queue.UpdateMessageAsync(lease.MessageId, lease.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: timeout.Token);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Message {MessageId} on {QueueName} could not be released; it reappears after its lease", lease.MessageId, queue.Name);
        }
    }

    private sealed class Lease(string messageId, string popReceipt)
    {
        public string MessageId { get; } = messageId;

        public string PopReceipt { get; set; } = popReceipt;
    }
}
