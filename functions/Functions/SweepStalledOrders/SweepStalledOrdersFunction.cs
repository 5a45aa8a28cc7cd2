using Fulfilment.Delivery;
using Fulfilment.Hosting;

namespace Fulfilment.Functions.SweepStalledOrders;

/// <summary>Timer-triggered, every 15 s: queues again the paid orders nothing is working on (see <see cref="StalledOrderSweep"/>).</summary>
internal sealed class SweepStalledOrdersFunction(StalledOrderSweep sweep) : ITimerFunction
{
    public string Name => "SweepStalledOrders";

    public Task RunAsync(CancellationToken cancellationToken) => sweep.SweepAsync(cancellationToken);
}
