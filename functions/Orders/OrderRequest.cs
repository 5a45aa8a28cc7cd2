using System.Text.Json;
using Fulfilment.Catalogue;
using Fulfilment.Serialization;

namespace Fulfilment.Orders;

/// <summary>
/// What a buyer asks for: the partner's order id, a SKU, a quantity, the buyer's reference and, for top-ups and
/// redemptions, the account to credit. The body of opening an order before payment
/// (<c>{"orderId", "sku", "quantity", "buyerReference", "targetAccount"?, "buyerEmail"?, "buyerPhone"?, "buyerIp"?, "riskScore"?}</c>), and the order part of a Standard Webhooks
/// payment's <c>data</c>. Read strictly: every field of its type, no property twice, nothing unknown.
/// </summary>
internal sealed record OrderRequest(string OrderId, string Sku, int Quantity, string BuyerReference, string? TargetAccount)
{
    public const int MaxQuantity = 50;
    public const int MaxReferenceLength = 128;

    private static readonly string[] Fields = ["orderId", "sku", "quantity", "buyerReference", "targetAccount", .. BuyerDetails.Fields];

    /// <summary>What the partner passed about the buyer for its risk rules (optional).</summary>
    public BuyerDetails Buyer { get; init; } = BuyerDetails.None;

    /// <summary>The body of opening an order: the request, or the problems found.</summary>
    public static (OrderRequest? Request, IReadOnlyList<string> Problems) Parse(ReadOnlySpan<byte> body)
    {
        if (!StrictJson.TryReadObject(body, out var document, out var unreadable))
        {
            return (null, [unreadable!]);
        }

        using (document)
        {
            var problems = new List<string>();
            var root = document!.RootElement;
            problems.AddRange(root.EnumerateObject().Where(p => !Fields.Contains(p.Name)).Select(p => $"{p.Name} is not a field of an order"));
            var request = Read(root, "", problems);
            return problems.Count > 0 ? (null, problems) : (request, problems);
        }
    }

    /// <summary>Reads the order's fields from <paramref name="parent"/> (named <paramref name="path"/> in problems); null if any is wrong.</summary>
    public static OrderRequest? Read(JsonElement parent, string path, List<string> problems)
    {
        var before = problems.Count;
        var orderId = StrictJson.Text(parent, path, "orderId", problems, required: true);
        if (orderId is not null && !Orders.OrderId.IsValid(orderId))
        {
            problems.Add($"{path}orderId must be 1-{Orders.OrderId.MaxLength} characters of letters, digits and . _ : - (not only dots)");
        }

        var sku = StrictJson.Text(parent, path, "sku", problems, required: true);
        if (sku is not null && !SkuId.IsValid(sku))
        {
            problems.Add($"{path}sku must be a SKU id");
        }

        var quantity = 0;
        if (!parent.TryGetProperty("quantity", out var q) || q.ValueKind != JsonValueKind.Number || !q.TryGetInt32(out quantity)
            || quantity < 1 || quantity > MaxQuantity)
        {
            problems.Add($"{path}quantity must be a whole number from 1 to {MaxQuantity}");
        }

        var buyer = StrictJson.Text(parent, path, "buyerReference", problems, required: true);
        if (buyer is not null && (string.IsNullOrWhiteSpace(buyer) || buyer.Length > MaxReferenceLength))
        {
            problems.Add($"{path}buyerReference must be 1-{MaxReferenceLength} characters");
        }

        var target = StrictJson.Text(parent, path, "targetAccount", problems, required: false);
        if (target is not null && (target.Length is 0 || target.Length > MaxReferenceLength))
        {
            problems.Add($"{path}targetAccount, when present, must be 1-{MaxReferenceLength} characters");
        }

        var details = BuyerDetails.Read(parent, path, problems);
        return problems.Count > before ? null : new OrderRequest(orderId!, sku!, quantity, buyer!, target) { Buyer = details };
    }
}
