using Fulfilment.Delivery;
using Fulfilment.Hosting;
using Fulfilment.Http;

namespace Fulfilment.Functions.GetPartnerOrder;

/// <summary>GET /api/partners/{partnerId}/orders/{orderId} — the order's state and, once delivered, its keys.</summary>
internal sealed class GetPartnerOrderFunction(PartnerOrders partnerOrders) : IHttpFunction
{
    public string Name => "GetPartnerOrder";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var orderId = (string)context.GetRouteValue("orderId")!;
        var lookup = await partnerOrders.GetAsync((string)context.GetRouteValue("partnerId")!, orderId, context.RequestAborted);
        if (lookup.KeysUnavailable)
        {
            return ApiResults.Error(StatusCodes.Status500InternalServerError, "keys_unavailable",
                "The order's keys cannot be opened right now; our operators have been alerted. Retry later.");
        }

        if (lookup.View is not { } view)
        {
            return ApiResults.NotFound($"No order '{orderId}'.");
        }

        context.Response.Headers.CacheControl = "no-store"; // it may carry plaintext keys
        return Results.Json(view);
    }
}
