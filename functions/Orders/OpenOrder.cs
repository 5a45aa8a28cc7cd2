using Azure;

namespace Fulfilment.Orders;

/// <summary>An order not yet final, as the open-orders index holds it: when it was paid, and when a sweep last queued it.</summary>
internal sealed record OpenOrder(string PartnerId, string OrderId, DateTimeOffset PaidAt, DateTimeOffset? SweptAt, ETag ETag);
