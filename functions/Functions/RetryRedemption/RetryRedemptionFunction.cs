using Fulfilment.Delivery;
using Fulfilment.Hosting;
using Fulfilment.Orders;
using Fulfilment.Storage;

namespace Fulfilment.Functions.RetryRedemption;

/// <summary>Queue-triggered: a redemption whose back-off is over is asked about, or submitted, again.</summary>
internal sealed class RetryRedemptionFunction(OrderFulfilment fulfilment) : IQueueFunction
{
    public string Name => "RetryRedemption";

    public Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken) =>
        fulfilment.FulfilAllAsync(FulfilmentRequests.ParseOrPoison(invocation.MessageText), invocation, cancellationToken);
}
