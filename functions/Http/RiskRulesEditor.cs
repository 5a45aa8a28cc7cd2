using Fulfilment.Catalogue;
using Fulfilment.Contract;
using Fulfilment.Partners;
using Fulfilment.Risk;

namespace Fulfilment.Http;

/// <summary>The ops API's reading and saving of a partner's risk rules (partner-wide or per SKU): checked whole, saved whole or not at all.</summary>
internal sealed class RiskRulesEditor(RiskRulesBook book, PartnerDirectory partners, SkuCatalogue catalogue, IdentityHashes hashes, ILogger<RiskRulesEditor> logger)
{
    public async Task<IResult> SaveAsync(HttpContext context, string partnerId, string? skuId)
    {
        var (document, error) = await JsonBody.ReadStrictAsync<RiskRulesDocument>(context.Request);
        if (error is not null)
        {
            return error;
        }

        if (!PartnerId.IsValid(partnerId) || await partners.FindAsync(partnerId, context.RequestAborted) is null)
        {
            return ApiResults.NotFound($"No partner '{partnerId}'.");
        }

        Catalogue.Sku? sku = null;
        if (skuId is not null && (!SkuId.IsValid(skuId) || (sku = await catalogue.FindFreshAsync(skuId, context.RequestAborted)) is null))
        {
            return ApiResults.NotFound($"No SKU '{skuId}'.");
        }

        var (rules, problems) = RiskRulesDocuments.Read(document!, sku, hashes);
        if (rules is null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_risk_rules", "The risk rules are not valid; nothing was saved.", problems);
        }

        await book.SaveAsync(partnerId, skuId ?? RiskRulesBook.Defaults, rules, context.RequestAborted);
        logger.LogInformation("Partner {PartnerId}: risk rules of {Scope} saved", partnerId, skuId ?? "every SKU");
        return Results.Json(RiskRulesDocuments.Write(rules));
    }

    public async Task<IResult> GetAsync(string partnerId, CancellationToken cancellationToken)
    {
        if (!PartnerId.IsValid(partnerId) || await partners.FindAsync(partnerId, cancellationToken) is null)
        {
            return ApiResults.NotFound($"No partner '{partnerId}'.");
        }

        var saved = await book.ListAsync(partnerId, cancellationToken);
        return Results.Json(new PartnerRiskRules(
            partnerId,
            saved.TryGetValue(RiskRulesBook.Defaults, out var defaults) ? RiskRulesDocuments.Write(defaults) : null,
            [.. saved.Where(s => s.Key != RiskRulesBook.Defaults).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new SkuRiskRules(s.Key, RiskRulesDocuments.Write(s.Value)))]));
    }
}
