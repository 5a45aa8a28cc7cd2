using Fulfilment.Hosting;
using Fulfilment.Http;

namespace Fulfilment.Functions.RefuseReview;

/// <summary>
/// POST /api/ops/partners/{partnerId}/orders/{orderId}/refuse — <c>{"by", "reason"}</c>: a held order is refused, nothing
/// delivered, the partner told to refund. 200 with the order; 404 for no such order; 409 when it is not held for review.
/// </summary>
internal sealed class RefuseReviewFunction(ReviewDecisions decisions) : IHttpFunction
{
    public string Name => "RefuseReview";

    public Task<IResult> HandleAsync(HttpContext context) => decisions.DecideAsync(context, approve: false);
}
