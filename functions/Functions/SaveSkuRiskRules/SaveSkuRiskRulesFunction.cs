using Fulfilment.Hosting;
using Fulfilment.Http;

namespace Fulfilment.Functions.SaveSkuRiskRules;

/// <summary>
/// PUT /api/ops/partners/{partnerId}/risk-rules/skus/{sku} — the partner's risk rules for one SKU, over its partner-wide
/// rules: 200 with the rules as saved; 400 with every problem, and nothing saved; 404 for no such partner or SKU.
/// </summary>
internal sealed class SaveSkuRiskRulesFunction(RiskRulesEditor editor) : IHttpFunction
{
    public string Name => "SaveSkuRiskRules";

    public Task<IResult> HandleAsync(HttpContext context) =>
        editor.SaveAsync(context, (string)context.GetRouteValue("partnerId")!, (string)context.GetRouteValue("sku")!);
}
