namespace Fulfilment.Suppliers;

/// <summary>What a supplier's answer means for the buyer's money.</summary>
internal enum SupplierVerdict
{
    /// <summary>Credited.</summary>
    Succeeded,

    /// <summary>Accepted; the outcome comes later.</summary>
    Pending,

    /// <summary>Definitely not credited, for a reason another supplier may not have: failing over is safe.</summary>
    Failed,

    /// <summary>Definitely not credited and never will be (invalid account, invalid request).</summary>
    Rejected,

    /// <summary>The supplier never received this reference: submitting it again is safe.</summary>
    NotFound,

    /// <summary>Nothing was done (rate limited, circuit open): try again later.</summary>
    NotAccepted,

    /// <summary>May or may not have credited (timeout, connection lost, 5xx): only a query can tell.</summary>
    Unknown,

    /// <summary>The supplier holds our reference for a different credit: it may have credited under it; ops must look.</summary>
    ReferenceConflict,
}
