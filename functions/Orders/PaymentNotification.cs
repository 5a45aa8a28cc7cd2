using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Fulfilment.Catalogue;

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
    public const int MaxQuantity = 50;
    public const int MaxReferenceLength = 128;

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    /// <summary>Parses and validates the shape; returns the problems found, or none and the notification.</summary>
    public static (PaymentNotification? Notification, IReadOnlyList<string> Problems) Parse(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body))
        {
            return (null, ["body is not valid UTF-8"]);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), Strict);
        }
        catch (JsonException e)
        {
            return (null, [$"body is not valid JSON ({e.Message.Split(" Path:")[0]})"]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, ["body must be a JSON object"]);
            }

            var problems = new List<string>();
            var type = Text(root, "", "type", problems, required: true);
            if (type is not null && type != PaymentSucceeded)
            {
                problems.Add($"type must be \"{PaymentSucceeded}\"");
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                problems.Add("data must be an object");
                return (null, problems);
            }

            var orderId = Text(data, "data.", "orderId", problems, required: true);
            if (orderId is not null && !Orders.OrderId.IsValid(orderId))
            {
                problems.Add($"data.orderId must be 1-{Orders.OrderId.MaxLength} characters of letters, digits and . _ : - (not only dots)");
            }

            var sku = Text(data, "data.", "sku", problems, required: true);
            if (sku is not null && !SkuId.IsValid(sku))
            {
                problems.Add("data.sku must be a SKU id");
            }

            var quantity = 0;
            if (!data.TryGetProperty("quantity", out var q) || q.ValueKind != JsonValueKind.Number || !q.TryGetInt32(out quantity)
                || quantity < 1 || quantity > MaxQuantity)
            {
                problems.Add($"data.quantity must be a whole number from 1 to {MaxQuantity}");
            }

            var currency = Text(data, "data.", "currency", problems, required: true);
            if (currency is not null && !CurrencyCode.IsValid(currency))
            {
                problems.Add("data.currency must be a three-letter ISO 4217 code");
                currency = null;
            }

            var amount = ReadAmount(data, currency, problems);
            var buyer = Text(data, "data.", "buyerReference", problems, required: true);
            if (buyer is not null && (string.IsNullOrWhiteSpace(buyer) || buyer.Length > MaxReferenceLength))
            {
                problems.Add($"data.buyerReference must be 1-{MaxReferenceLength} characters");
            }

            var target = Text(data, "data.", "targetAccount", problems, required: false);
            if (target is not null && (target.Length is 0 || target.Length > MaxReferenceLength))
            {
                problems.Add($"data.targetAccount, when present, must be 1-{MaxReferenceLength} characters");
            }

            return problems.Count > 0
                ? (null, problems)
                : (new PaymentNotification(orderId!, sku!, quantity, amount, currency!, buyer!, target), problems);
        }
    }

    /// <summary>
    /// A string property: absent (a problem if required), or a string of valid Unicode without control characters.
    /// A value of another type is a problem, never read as absent.
    /// </summary>
    private static string? Text(JsonElement parent, string parentPath, string name, List<string> problems, bool required)
    {
        var path = parentPath + name;
        if (!parent.TryGetProperty(name, out var value) || (!required && value.ValueKind == JsonValueKind.Null))
        {
            if (required)
            {
                problems.Add($"{path} is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{path} must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}");
            return null;
        }

        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate (\ud800): not a Unicode string at all.
            problems.Add($"{path} is not valid Unicode");
            return null;
        }

        if (text.Any(char.IsControl))
        {
            problems.Add($"{path} must not contain control characters");
            return null;
        }

        return text;
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
