namespace Fulfilment.Contract;

/// <summary>
/// A partner's risk rules, partner-wide (<c>PUT /api/ops/partners/{partnerId}/risk-rules</c>) or for one SKU
/// (<c>…/risk-rules/skus/{sku}</c>). Every rule is optional; a SKU's rule replaces the partner-wide one, and both
/// blocklists apply. An empty object removes the rules. Read strictly: an unknown field is refused.
/// </summary>
public sealed record RiskRulesDocument(
    int? MaxQuantity = null,
    BuyerLimitRule? BuyerLimit = null,
    int? BuyerLifetimeLimit = null,
    AccountLimitRule? AccountLimit = null,
    PacingRule? Pacing = null,
    BlocklistRule? Blocklist = null,
    ReviewRule? Review = null);
