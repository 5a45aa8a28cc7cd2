using Fulfilment.Hosting;
using Fulfilment.RedemptionLog;

namespace Fulfilment.Functions.ExportRedemptions;

/// <summary>GET /api/partners/{partnerId}/redemptions/export?day=yyyy-MM-dd — a whole UTC day as NDJSON, streamed.</summary>
internal sealed class ExportRedemptionsFunction(RedemptionLogQuery query) : IHttpFunction
{
    public string Name => "ExportRedemptions";

    public Task<IResult> HandleAsync(HttpContext context) => query.ExportDayAsync((string)context.GetRouteValue("partnerId")!, context);
}
