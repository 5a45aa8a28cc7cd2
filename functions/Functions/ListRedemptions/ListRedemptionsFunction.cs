using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.RedemptionLog;

namespace Fulfilment.Functions.ListRedemptions;

/// <summary>GET /api/partners/{partnerId}/redemptions — the partner's redemption log, a page at a time.</summary>
internal sealed class ListRedemptionsFunction(RedemptionLogQuery query) : IHttpFunction
{
    public string Name => "ListRedemptions";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var request = new RedemptionLogRequest(
            From: q["from"].ToString(), To: q["to"].ToString(), Sku: q["sku"].ToString(), Status: q["status"].ToString(),
            OrderId: q["orderId"].ToString(), Order: q["order"].ToString(), PageSize: q["pageSize"].ToString(),
            ContinuationToken: q["continuationToken"].ToString());
        var page = await query.ListAsync((string)context.GetRouteValue("partnerId")!, request, context.RequestAborted);
        return page.PageJson is { } json
            ? Results.Bytes(json, "application/json")
            : ApiResults.Error(StatusCodes.Status400BadRequest, page.ErrorCode!, page.Error!, page.Problems);
    }
}
