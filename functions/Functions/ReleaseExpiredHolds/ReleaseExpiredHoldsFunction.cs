using Fulfilment.Hosting;
using Fulfilment.Orders;

namespace Fulfilment.Functions.ReleaseExpiredHolds;

/// <summary>Timer-triggered, every 30 s: card keys held for opened orders whose payment window ended go back to stock (see <see cref="StockHolds"/>).</summary>
internal sealed class ReleaseExpiredHoldsFunction(StockHolds holds, TimeProvider clock) : ITimerFunction
{
    public string Name => "ReleaseExpiredHolds";

    public Task RunAsync(CancellationToken cancellationToken) => holds.ReleaseEndedAsync(clock.GetUtcNow(), cancellationToken);
}
