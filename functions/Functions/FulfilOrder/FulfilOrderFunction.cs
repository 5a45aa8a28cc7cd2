using Fulfilment.Delivery;
using Fulfilment.Hosting;
using Fulfilment.Orders;
using Fulfilment.Storage;

namespace Fulfilment.Functions.FulfilOrder;

/// <summary>Queue-triggered: fulfils the order a fulfilment request names.</summary>
internal sealed class FulfilOrderFunction(OrderFulfilment fulfilment) : IQueueFunction
{
    public string Name => "FulfilOrder";

    public Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken) =>
        fulfilment.FulfilAllAsync(FulfilmentRequests.ParseOrPoison(invocation.MessageText), invocation, cancellationToken);
}
