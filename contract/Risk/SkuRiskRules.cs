namespace Fulfilment.Contract;

/// <summary>One SKU's own risk rules (over the partner-wide ones).</summary>
public sealed record SkuRiskRules(string Sku, RiskRulesDocument Rules);
