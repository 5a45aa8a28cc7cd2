using Fulfilment.Hosting;
using Fulfilment.Http;

namespace Fulfilment.Functions.SaveRiskRules;

/// <summary>
/// PUT /api/ops/partners/{partnerId}/risk-rules — the partner's risk rules for every SKU that does not set its own
/// (<c>RiskRulesDocument</c>): 200 with the rules as saved; 400 with every problem, and nothing saved; 404 for no such partner.
/// </summary>
internal sealed class SaveRiskRulesFunction(RiskRulesEditor editor) : IHttpFunction
{
    public string Name => "SaveRiskRules";

    public Task<IResult> HandleAsync(HttpContext context) => editor.SaveAsync(context, (string)context.GetRouteValue("partnerId")!, skuId: null);
}
