using Fulfilment.Hosting;
using Fulfilment.RedemptionLog;

namespace Fulfilment.Functions.ListRedemptions;

/// <summary>GET /api/partners/{partnerId}/redemptions — the partner's redemption log, a page at a time.</summary>
internal sealed class ListRedemptionsFunction(RedemptionLogQuery query) : IHttpFunction
{
    public string Name => "ListRedemptions";

    public Task<IResult> HandleAsync(HttpContext context) => query.ListAsync((string)context.GetRouteValue("partnerId")!, context.Request);
}
