using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Notifications;
using Fulfilment.Orders;

namespace Fulfilment.Functions.ResendNotification;

/// <summary>
/// POST /api/ops/partners/{partnerId}/orders/{orderId}/notification — tell the partner again about the order's final
/// state (same webhook id as before, so a partner that got it already can dedupe).
/// </summary>
internal sealed class ResendNotificationFunction(OrderBook orders, NotificationQueue notifications) : IHttpFunction
{
    public string Name => "ResendNotification";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var orderId = (string)context.GetRouteValue("orderId")!;
        if (await orders.GetAsync(partnerId, orderId, context.RequestAborted) is not { } order)
        {
            return ApiResults.NotFound($"Partner '{partnerId}' has no order '{orderId}'.");
        }

        var problem = await notifications.ResendAsync(order, context.RequestAborted);
        return problem is null
            ? Results.Json(new NotificationQueued(order.PartnerId, order.OrderId, order.State, Queued: true), statusCode: StatusCodes.Status202Accepted)
            : ApiResults.Error(StatusCodes.Status409Conflict, "cannot_notify", problem);
    }
}
