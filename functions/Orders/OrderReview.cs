namespace Fulfilment.Orders;

/// <summary>An order held for review, as ops list it: the rule that held it and its figures, since when, and its deadline.</summary>
internal sealed record OrderReview(string PartnerId, string OrderId, string Sku, string? Rule, string? Detail, DateTimeOffset HeldAt, DateTimeOffset Deadline, DateTimeOffset? AlertedAt);
