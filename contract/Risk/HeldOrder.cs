namespace Fulfilment.Contract;

/// <summary>An order held for review: the rule that held it and its figures, since when, its deadline and whether ops were alerted.</summary>
public sealed record HeldOrder(
    string PartnerId, string OrderId, string Sku, string? Rule, string? Detail, DateTimeOffset HeldAt, DateTimeOffset Deadline, DateTimeOffset? AlertedAt);
