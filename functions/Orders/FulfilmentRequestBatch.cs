namespace Fulfilment.Orders;

/// <summary>A message naming several orders: requests made at the same moment are sent together.</summary>
internal sealed record FulfilmentRequestBatch(IReadOnlyList<FulfilmentRequest> Orders);
