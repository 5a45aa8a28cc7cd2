using Fulfilment.Hosting;
using Fulfilment.Http;

namespace Fulfilment.Functions.GetRiskRules;

/// <summary>GET /api/ops/partners/{partnerId}/risk-rules — the partner's risk rules as saved, partner-wide and per SKU (hashed entries as hashes).</summary>
internal sealed class GetRiskRulesFunction(RiskRulesEditor editor) : IHttpFunction
{
    public string Name => "GetRiskRules";

    public Task<IResult> HandleAsync(HttpContext context) => editor.GetAsync((string)context.GetRouteValue("partnerId")!, context.RequestAborted);
}
