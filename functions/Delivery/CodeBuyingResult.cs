using Fulfilment.Orders;

namespace Fulfilment.Delivery;

/// <summary>
/// Where buying codes for a card-key order got to: <see cref="Bought"/> (the codes are reserved for the order, which
/// goes on to be delivered), <see cref="Waiting"/> (asked again later, or ops must look: nothing more to do now), or
/// not buying (<see cref="WaitForStockBecause"/>: the order waits for stock). <see cref="Order"/> carries the calls made.
/// </summary>
internal sealed record CodeBuyingResult(Order Order, bool Bought, string? WaitForStockBecause)
{
    public bool Waiting => !Bought && WaitForStockBecause is null;

    public static CodeBuyingResult BoughtFor(Order order) => new(order, true, null);

    public static CodeBuyingResult AskedAgainLater(Order order) => new(order, false, null);

    public static CodeBuyingResult NotBuying(Order order, string reason) => new(order, false, reason);
}
