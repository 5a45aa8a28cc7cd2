using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fulfilment.Catalogue;
using Fulfilment.Serialization;

namespace Fulfilment.Orders;

/// <summary>
/// The body of a payment webhook (Standard Webhooks payload shape):
/// <c>{"type": "payment.succeeded", "data": {"orderId", "sku", "quantity", "amount", "currency", "buyerReference", "targetAccount"?}}</c>.
/// Only a body that is exactly valid becomes an order: valid UTF-8, no property twice, every field of its type, an
/// amount written with no more decimals than its currency has. Nothing is guessed at, rounded or skipped.
/// </summary>
internal sealed partial record PaymentNotification(
    string OrderId, string Sku, int Quantity, decimal Amount, string Currency, string BuyerReference, string? TargetAccount)
{
    public const string PaymentSucceeded = "payment.succeeded";

    /// <summary>What the partner passed about the buyer for its risk rules (optional).</summary>
    public BuyerDetails Buyer { get; init; } = BuyerDetails.None;

    /// <summary>Parses and validates the shape; returns the problems found, or none and the notification.</summary>
    public static (PaymentNotification? Notification, IReadOnlyList<string> Problems) Parse(ReadOnlySpan<byte> body)
    {
        if (!StrictJson.TryReadObject(body, out var document, out var unreadable))
        {
            return (null, [unreadable!]);
        }

        using (document)
        {
            var root = document!.RootElement;
            var problems = new List<string>();
            var type = StrictJson.Text(root, "", "type", problems, required: true);
            if (type is not null && type != PaymentSucceeded)
            {
                problems.Add($"type must be \"{PaymentSucceeded}\"");
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                problems.Add("data must be an object");
                return (null, problems);
            }

            var request = OrderRequest.Read(data, "data.", problems);
            var currency = StrictJson.Text(data, "data.", "currency", problems, required: true);
            if (currency is not null && !CurrencyCode.IsValid(currency))
            {
                problems.Add("data.currency must be a three-letter ISO 4217 code");
                currency = null;
            }

            var amount = ReadAmount(data, currency, problems);
            return problems.Count > 0
                ? (null, problems)
                : (new PaymentNotification(request!.OrderId, request.Sku, request.Quantity, amount, currency!, request.BuyerReference, request.TargetAccount) { Buyer = request.Buyer }, problems);
        }
    }

    /// <summary>
    /// A positive amount written as plain decimal digits (a JSON number or string), with no more decimals than the
    /// currency has: <c>50.0000000000000000000000000001</c> is not 50.00, it is refused.
    /// </summary>
    private static decimal ReadAmount(JsonElement data, string? currency, List<string> problems)
    {
        if (!data.TryGetProperty("amount", out var a) || a.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
        {
            problems.Add("data.amount must be a positive decimal number (a JSON number or string)");
            return 0;
        }

        var text = a.ValueKind == JsonValueKind.Number ? a.GetRawText() : a.GetString()!;
        if (!AmountPattern().IsMatch(text)
            || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            problems.Add("data.amount must be a positive decimal number written as digits with an optional decimal point (no sign, exponent or spaces)");
            return 0;
        }

        var decimals = text.Contains('.') ? text.Length - text.IndexOf('.') - 1 : 0;
        if (currency is not null && decimals > Money.MinorUnits(currency))
        {
            problems.Add($"data.amount has {decimals} decimals; {currency} has {Money.MinorUnits(currency)}");
            return 0;
        }

        return amount;
    }

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,14})(\.[0-9]{1,4})?\z")]
    private static partial Regex AmountPattern();
}
