using Fulfilment.Storage;

namespace Fulfilment.Hosting;

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
