namespace Fulfilment.Orders;

/// <summary>How a payment comes back to the buyer: a refund the merchant gave, or a dispute (chargeback) the buyer opened.</summary>
internal static class ReversalKind
{
    public const string Refund = "refund";
    public const string Dispute = "dispute";
}
