using Fulfilment.Storage;

namespace Fulfilment.Hosting;

/// <summary>A function triggered by a Storage queue; its folder's function.json holds a queueTrigger binding.</summary>
internal interface IQueueFunction
{
    string Name { get; }

    Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken);
}
