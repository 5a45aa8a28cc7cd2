using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Orders;

namespace Fulfilment.Functions.GetOrderTrace;

/// <summary>
/// GET /api/ops/partners/{partnerId}/orders/{orderId} — the order as ops see it (key ids, never keys) and its trace:
/// every state change, supplier call and notification attempt, in time order.
/// </summary>
internal sealed class GetOrderTraceFunction(OrderTrace trace) : IHttpFunction
{
    public string Name => "GetOrderTrace";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var orderId = (string)context.GetRouteValue("orderId")!;
        return await trace.GetAsync(partnerId, orderId, context.RequestAborted) is var (order, events)
            ? Results.Json(new { order, trace = events }, OrderTraceJson.Options)
            : ApiResults.NotFound($"Partner '{partnerId}' has no order '{orderId}'.");
    }
}
