using System.Globalization;
using System.Net;
using System.Text.Json;
using Fulfilment.Serialization;

namespace Fulfilment.Suppliers.Reloadly;

/// <summary>
/// Gift-card codes bought from Reloadly's gift-card API (docs/suppliers.md). Our client reference is the order's
/// <c>customIdentifier</c>, which Reloadly never accepts twice, and what a query looks up in the transactions report.
/// A purchase counts as bought only with its codes in hand:
/// <list type="bullet">
/// <item><c>SUCCESSFUL</c> → the redeem codes are read (<c>GET /orders/transactions/{id}/cards</c>); exactly as many as
/// were bought, none blank, or the outcome stays unknown and is asked again;</item>
/// <item><c>PROCESSING</c>, <c>PENDING</c> → pending; <c>FAILED</c>, <c>REFUNDED</c> → confirmed failure;</item>
/// <item>a transaction under our reference for another product or quantity → reference conflict;</item>
/// <item>any refusal of an order is checked by a query first (Reloadly documents no error codes for orders);</item>
/// <item>429 → not accepted; 5xx, timeouts, unreadable answers → unknown.</item>
/// </list>
/// No recipient e-mail is sent: Reloadly then mails its receipt to our own account, never to a buyer.
/// </summary>
internal sealed class ReloadlyGiftCardSupplier(ReloadlyApi api, string senderName) : ICodeSupplier
{
    public const string MediaType = "application/com.reloadly.giftcards-v1+json";

    public async Task<CodePurchase> BuyAsync(CodeOrder order, CancellationToken cancellationToken)
    {
        if (ReloadlyGiftCardProduct.Parse(order.ProductCode) is not { } product)
        {
            return CodePurchase.Without(new SupplierOutcome(SupplierVerdict.Failed, Reason: $"product code '{order.ProductCode}' is not {ReloadlyGiftCardProduct.Grammar}"));
        }

        var body = new
        {
            productId = product.ProductId,
            quantity = order.Quantity,
            unitPrice = product.UnitPrice,
            customIdentifier = order.ClientReference,
            senderName,
        };
        var (reply, noAnswer) = await api.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "orders") { Content = JsonContent.Create(body, options: AppJson.Options) }, cancellationToken);
        if (noAnswer is not null)
        {
            return CodePurchase.Without(noAnswer);
        }

        if (reply!.Status == HttpStatusCode.OK)
        {
            return reply.Read<ReloadlyGiftCardTransaction>() is { } made && made.CustomIdentifier == order.ClientReference
                ? await SettleAsync(made, order, product, cancellationToken)
                : CodePurchase.Without(new SupplierOutcome(SupplierVerdict.Unknown, Reason: "an answer that is not the order for our customIdentifier"));
        }

        var error = reply.Read<ReloadlyError>();
        return reply.Code switch
        {
            429 => CodePurchase.Without(new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: "rate limited", RetryAfter: reply.RetryAfter)),
            401 or 403 => CodePurchase.Without(new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: $"Reloadly refused our token ({error?.ErrorCode})")),
            >= 400 and < 500 => await SupplierLookup.AfterRefusalAsync(
                await FindAsync(order.ClientReference, cancellationToken), $"{reply.Code} {error?.ErrorCode}: {error?.Message}",
                found => IsThisOrder(found, order, product), found => SettleAsync(found, order, product, cancellationToken), CodePurchase.Without, order.ClientReference),
            _ => CodePurchase.Without(new SupplierOutcome(SupplierVerdict.Unknown, Reason: $"HTTP {reply.Code}: {error?.ErrorCode} {error?.Message}")),
        };
    }

    public async Task<CodePurchase> QueryAsync(CodeOrder order, CancellationToken cancellationToken)
    {
        if (ReloadlyGiftCardProduct.Parse(order.ProductCode) is not { } product)
        {
            return CodePurchase.Without(new SupplierOutcome(SupplierVerdict.Unknown, Reason: $"product code '{order.ProductCode}' is not {ReloadlyGiftCardProduct.Grammar}"));
        }

        var (found, outcome) = await FindAsync(order.ClientReference, cancellationToken);
        return found is null ? CodePurchase.Without(outcome!) : await SettleAsync(found, order, product, cancellationToken);
    }

    private Task<(ReloadlyGiftCardTransaction? Found, SupplierOutcome? Outcome)> FindAsync(string clientReference, CancellationToken cancellationToken) =>
        api.FindAsync<ReloadlyGiftCardTransaction>(
            $"reports/transactions?customIdentifier={Uri.EscapeDataString(clientReference)}&page=1&size=10", t => t.CustomIdentifier, clientReference, cancellationToken);

    /// <summary>The same product and quantity as ours, where the answer says them.</summary>
    private static bool IsThisOrder(ReloadlyGiftCardTransaction found, CodeOrder order, ReloadlyGiftCardProduct product) =>
        found.Product is not { } bought
        || ((bought.ProductId is null || bought.ProductId == product.ProductId) && (bought.Quantity is null || bought.Quantity == order.Quantity));

    private async Task<CodePurchase> SettleAsync(ReloadlyGiftCardTransaction transaction, CodeOrder order, ReloadlyGiftCardProduct product, CancellationToken cancellationToken)
    {
        if (!IsThisOrder(transaction, order, product))
        {
            return CodePurchase.Without(new SupplierOutcome(SupplierVerdict.ReferenceConflict, Reason: $"{order.ClientReference} is held for another product or quantity"));
        }

        var id = transaction.TransactionId?.ToString(CultureInfo.InvariantCulture);
        return transaction.Status switch
        {
            "SUCCESSFUL" when transaction.TransactionId is > 0 => await ReadCodesAsync(transaction.TransactionId.Value, order.Quantity, cancellationToken),
            "SUCCESSFUL" => CodePurchase.Without(new SupplierOutcome(SupplierVerdict.Unknown, Reason: "SUCCESSFUL without a transactionId: its codes cannot be read")),
            "PROCESSING" or "PENDING" => CodePurchase.Without(new SupplierOutcome(SupplierVerdict.Pending, id)),
            "FAILED" or "REFUNDED" => CodePurchase.Without(new SupplierOutcome(SupplierVerdict.Failed, id, $"Reloadly: {transaction.Status}")),
            var other => CodePurchase.Without(new SupplierOutcome(SupplierVerdict.Unknown, Reason: $"Reloadly status '{other}'")),
        };
    }

    /// <summary>The redeem codes of a successful order: exactly <paramref name="quantity"/> of them, none blank, or the outcome is unknown.</summary>
    private async Task<CodePurchase> ReadCodesAsync(long transactionId, int quantity, CancellationToken cancellationToken)
    {
        var id = transactionId.ToString(CultureInfo.InvariantCulture);
        var (reply, noAnswer) = await api.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"orders/transactions/{id}/cards"), cancellationToken);
        if (noAnswer is not null)
        {
            return CodePurchase.Without(noAnswer with { Verdict = SupplierVerdict.Unknown, Reason = $"bought as {id}; its codes: {noAnswer.Reason}" });
        }

        if (reply!.Status != HttpStatusCode.OK)
        {
            return CodePurchase.Without(new SupplierOutcome(SupplierVerdict.Unknown, id, $"bought as {id}; its codes: HTTP {reply.Code}", reply.RetryAfter));
        }

        var cards = reply.Read<List<Card?>>();
        var codes = cards?.Select(c => c is null ? null : CodeOf(c)).ToList();
        if (codes is null || codes.Count != quantity || codes.Any(c => c is null))
        {
            // Never a guess at which codes are ours: asked again, and ops look if it stays so.
            return CodePurchase.Without(new SupplierOutcome(
                SupplierVerdict.Unknown, id, $"bought as {id}, but its codes answer holds {codes?.Count(c => c is not null) ?? 0} readable code(s) for {quantity}"));
        }

        return new CodePurchase(new SupplierOutcome(SupplierVerdict.Succeeded, id), codes!);
    }

    /// <summary>The card number, and its PIN where it has one; null when the number is blank. Numbers may come as JSON numbers.</summary>
    private static RedeemCode? CodeOf(Card card)
    {
        var number = Text(card.CardNumber);
        if (string.IsNullOrWhiteSpace(number))
        {
            return null;
        }

        var pin = Text(card.PinCode);
        return new RedeemCode(string.IsNullOrWhiteSpace(pin) ? number : $"{number} PIN {pin}");
    }

    private static string? Text(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } v => v.GetString()?.Trim(),
        { ValueKind: JsonValueKind.Number } v => v.GetRawText(),
        _ => null,
    };

    private sealed record Card(JsonElement? CardNumber, JsonElement? PinCode);
}
