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

/// <summary>A supplier's answer, classified. <see cref="RetryAfter"/> is the supplier's own hint, when it gave one.</summary>
internal sealed record SupplierOutcome(SupplierVerdict Verdict, string? SupplierReference = null, string? Reason = null, TimeSpan? RetryAfter = null);

/// <summary>A credit to make: our client reference is the idempotency key.</summary>
internal sealed record CreditRequest(string ClientReference, string ProductCode, string Account, decimal Amount, string Currency);

/// <summary>
/// A supplier that credits accounts. Submit is not idempotent on the wire, so it is never retried automatically;
/// <see cref="QueryAsync"/> is safe to repeat.
/// </summary>
internal interface ISupplierClient
{
    Task<SupplierOutcome> SubmitAsync(CreditRequest request, CancellationToken cancellationToken);

    Task<SupplierOutcome> QueryAsync(string clientReference, CancellationToken cancellationToken);
}
