using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Orders;

namespace Fulfilment.Functions.ListReviews;

/// <summary>GET /api/ops/reviews?partnerId=&amp;sku=&amp;rule= — orders held for review, oldest first, with the rule that held each and its figures.</summary>
internal sealed class ListReviewsFunction(OrderReviews reviews) : IHttpFunction
{
    public string Name => "ListReviews";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var held = await reviews.ListAsync(Filter(query["partnerId"]), Filter(query["sku"]), Filter(query["rule"]), context.RequestAborted);
        return Results.Json(new HeldOrderList([.. held.Select(r => new HeldOrder(r.PartnerId, r.OrderId, r.Sku, r.Rule, r.Detail, r.HeldAt, r.Deadline, r.AlertedAt))]));
    }

    private static string? Filter(Microsoft.Extensions.Primitives.StringValues value) => string.IsNullOrEmpty(value) ? null : value.ToString();
}
