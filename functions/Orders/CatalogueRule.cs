using Fulfilment.Catalogue;

namespace Fulfilment.Orders;

/// <summary>The first acceptance rule: the notification matches the catalogue (currency, amount for the quantity, a target account where the SKU's kind needs one).</summary>
internal sealed class CatalogueRule : IOrderAcceptanceRule
{
    public ValueTask<PaymentRefusal?> CheckAsync(string partnerId, PaymentNotification notification, Sku sku, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Check(notification, sku));

    private static PaymentRefusal? Check(PaymentNotification notification, Sku sku)
    {
        if (notification.Currency != sku.Currency)
        {
            return new PaymentRefusal("currency_mismatch", $"SKU '{sku.Id}' is sold in {sku.Currency}, not {notification.Currency}.");
        }

        var expected = sku.UnitPrice * notification.Quantity;
        if (notification.Amount != expected)
        {
            return new PaymentRefusal("amount_mismatch",
                $"Amount {notification.Amount} does not match {notification.Quantity} x {sku.UnitPrice} = {expected} {sku.Currency}.");
        }

        if (sku.Kind is SkuKind.DirectTopUp or SkuKind.Redemption && notification.TargetAccount is null)
        {
            return new PaymentRefusal("target_account_required",
                $"A {sku.Kind} needs data.targetAccount (the buyer's account to credit or redeem for).");
        }

        return null;
    }
}
