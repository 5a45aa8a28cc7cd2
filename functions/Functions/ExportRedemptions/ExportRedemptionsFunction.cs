using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.RedemptionLog;

namespace Fulfilment.Functions.ExportRedemptions;

/// <summary>GET /api/partners/{partnerId}/redemptions/export?day=yyyy-MM-dd — a whole UTC day as NDJSON, streamed.</summary>
internal sealed class ExportRedemptionsFunction(RedemptionLogQuery query) : IHttpFunction
{
    public string Name => "ExportRedemptions";

    public Task<IResult> HandleAsync(HttpContext context)
    {
        if (RedemptionLogQuery.ExportDay(context.Request.Query["day"].ToString()) is not { } day)
        {
            return Task.FromResult(ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_query", "day must be a UTC date, yyyy-MM-dd."));
        }

        var partnerId = (string)context.GetRouteValue("partnerId")!;
        return Task.FromResult(Results.Stream(body => query.ExportDayAsync(partnerId, day, body, context.RequestAborted), "application/x-ndjson"));
    }
}
