namespace Fulfilment.Suppliers;

/// <summary>
/// A supplier that sells codes (gift cards). Buying is not idempotent on the wire, so it is never retried
/// automatically; <see cref="QueryAsync"/> is safe to repeat. Both answer the codes only once the purchase succeeded.
/// </summary>
internal interface ICodeSupplier
{
    Task<CodePurchase> BuyAsync(CodeOrder order, CancellationToken cancellationToken);

    Task<CodePurchase> QueryAsync(CodeOrder order, CancellationToken cancellationToken);
}
