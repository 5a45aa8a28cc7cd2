namespace Fulfilment.Hosting;

/// <summary>A queue message handed to a queue-triggered function, whoever dequeued it (Functions host or local trigger host).</summary>
internal sealed record QueueInvocation(
    string FunctionName,
    string QueueName,
    string MessageId,
    string MessageText,
    long DequeueCount,
    DateTimeOffset? InsertionTime);

/// <summary>A function triggered by a Storage queue; its folder's function.json holds a queueTrigger binding.</summary>
internal interface IQueueFunction
{
    string Name { get; }

    Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>A function triggered on a schedule; its folder's function.json holds a timerTrigger binding (NCRONTAB, with seconds).</summary>
internal interface ITimerFunction
{
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>A function triggered over HTTP; its route and methods come from its folder's function.json.</summary>
internal interface IHttpFunction
{
    string Name { get; }

    Task<IResult> HandleAsync(HttpContext context);
}

/// <summary>
/// Thrown by a queue function for a message that can never succeed (unparseable, refers to nothing).
/// The message goes to the poison queue at once with this reason instead of being retried pointlessly.
/// </summary>
internal sealed class PoisonMessageException(string reason) : Exception(reason);
