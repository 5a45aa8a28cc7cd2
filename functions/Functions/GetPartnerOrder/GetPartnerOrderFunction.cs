using Fulfilment.Hosting;
using Fulfilment.Partners;

namespace Fulfilment.Functions.GetPartnerOrder;

/// <summary>GET /api/partners/{partnerId}/orders/{orderId} — the order's state and, once delivered, its keys.</summary>
internal sealed class GetPartnerOrderFunction(PartnerOrderQuery query) : IHttpFunction
{
    public string Name => "GetPartnerOrder";

    public Task<IResult> HandleAsync(HttpContext context) =>
        query.GetAsync((string)context.GetRouteValue("partnerId")!, (string)context.GetRouteValue("orderId")!, context.Request);
}
