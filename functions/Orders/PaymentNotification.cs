using System.Text.Json;
using System.Text.RegularExpressions;
using Fulfilment.Catalogue;

namespace Fulfilment.Orders;

/// <summary>
/// The body of a payment webhook (Standard Webhooks payload shape):
/// <c>{"type": "payment.succeeded", "data": {"orderId", "sku", "quantity", "amount", "currency", "buyerReference", "targetAccount"?}}</c>.
/// </summary>
internal sealed partial record PaymentNotification(
    string OrderId, string Sku, int Quantity, decimal Amount, string Currency, string BuyerReference, string? TargetAccount)
{
    public const string PaymentSucceeded = "payment.succeeded";
    public const int MaxQuantity = 50;

    /// <summary>Parses and validates the shape; returns the problems found, or none and the notification.</summary>
    public static (PaymentNotification? Notification, IReadOnlyList<string> Problems) Parse(ReadOnlySpan<byte> body)
    {
        var problems = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return (null, ["body is not valid JSON"]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, ["body must be a JSON object"]);
            }

            var type = String(root, "type");
            if (type != PaymentSucceeded)
            {
                problems.Add($"type must be \"{PaymentSucceeded}\"");
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                problems.Add("data must be an object");
                return (null, problems);
            }

            var orderId = String(data, "orderId");
            if (orderId is null || !OrderIdPattern().IsMatch(orderId))
            {
                problems.Add("data.orderId must be 1-64 characters of letters, digits and . _ : -");
            }

            var sku = String(data, "sku");
            if (!SkuId.IsValid(sku))
            {
                problems.Add("data.sku must be a SKU id");
            }

            var quantity = 0;
            if (!data.TryGetProperty("quantity", out var q) || q.ValueKind != JsonValueKind.Number || !q.TryGetInt32(out quantity)
                || quantity < 1 || quantity > MaxQuantity)
            {
                problems.Add($"data.quantity must be a whole number from 1 to {MaxQuantity}");
            }

            decimal amount = 0;
            if (!data.TryGetProperty("amount", out var a) || !TryDecimal(a, out amount) || amount <= 0)
            {
                problems.Add("data.amount must be a positive decimal number (a JSON number or string)");
            }

            var currency = String(data, "currency");
            if (!CurrencyCode.IsValid(currency))
            {
                problems.Add("data.currency must be a three-letter ISO 4217 code");
            }

            var buyer = String(data, "buyerReference");
            if (string.IsNullOrWhiteSpace(buyer) || buyer.Length > 128)
            {
                problems.Add("data.buyerReference must be 1-128 characters");
            }

            var target = String(data, "targetAccount");
            if (target is not null && (target.Length is 0 or > 128))
            {
                problems.Add("data.targetAccount, when present, must be 1-128 characters");
            }

            return problems.Count > 0
                ? (null, problems)
                : (new PaymentNotification(orderId!, sku!, quantity, amount, currency!, buyer!, target), problems);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryDecimal(JsonElement element, out decimal value)
    {
        value = 0;
        return element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetDecimal(out value),
            JsonValueKind.String => decimal.TryParse(element.GetString(), System.Globalization.NumberStyles.AllowDecimalPoint,
                System.Globalization.CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex OrderIdPattern();
}
