namespace Fulfilment.Suppliers;

/// <summary>
/// A supplier that credits accounts. Submit is not idempotent on the wire, so it is never retried automatically;
/// <see cref="QueryAsync"/> is safe to repeat.
/// </summary>
internal interface ISupplierClient
{
    Task<SupplierOutcome> SubmitAsync(CreditRequest request, CancellationToken cancellationToken);

    Task<SupplierOutcome> QueryAsync(string clientReference, CancellationToken cancellationToken);
}
