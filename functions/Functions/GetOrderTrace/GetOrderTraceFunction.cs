using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Ops;

namespace Fulfilment.Functions.GetOrderTrace;

/// <summary>
/// GET /api/ops/partners/{partnerId}/orders/{orderId} — the order as ops see it (key ids, never keys) and its trace:
/// every state change, supplier call and notification attempt, in time order.
/// </summary>
internal sealed class GetOrderTraceFunction(OrderTraceQuery traces) : IHttpFunction
{
    public string Name => "GetOrderTrace";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var orderId = (string)context.GetRouteValue("orderId")!;
        return await traces.GetAsync(partnerId, orderId, context.RequestAborted) is { } trace
            ? Results.Json(trace)
            : ApiResults.NotFound($"Partner '{partnerId}' has no order '{orderId}'.");
    }
}
