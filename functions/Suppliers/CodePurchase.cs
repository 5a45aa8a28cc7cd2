namespace Fulfilment.Suppliers;

/// <summary>
/// A supplier's answer about codes bought, classified like a credit's (<see cref="SupplierOutcome"/>). The codes come
/// only with <see cref="SupplierVerdict.Succeeded"/>, exactly as many as were bought.
/// </summary>
internal sealed record CodePurchase(SupplierOutcome Outcome, IReadOnlyList<RedeemCode> Codes)
{
    public static CodePurchase Without(SupplierOutcome outcome) => new(outcome, []);
}
