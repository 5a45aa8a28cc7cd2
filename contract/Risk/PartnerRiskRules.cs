namespace Fulfilment.Contract;

/// <summary>A partner's risk rules as saved: partner-wide (null: none) and each SKU's own, by SKU id.</summary>
public sealed record PartnerRiskRules(string PartnerId, RiskRulesDocument? Defaults, IReadOnlyList<SkuRiskRules> Skus);
