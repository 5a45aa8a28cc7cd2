using Fulfilment.Delivery;
using Fulfilment.Hosting;

namespace Fulfilment.Functions.AlertOverdueReviews;

/// <summary>Timer-triggered, every minute: an ops alert for each order held for review past its deadline (see <see cref="ReviewDesk"/>).</summary>
internal sealed class AlertOverdueReviewsFunction(ReviewDesk desk) : ITimerFunction
{
    public string Name => "AlertOverdueReviews";

    public Task RunAsync(CancellationToken cancellationToken) => desk.AlertOverdueAsync(cancellationToken);
}
