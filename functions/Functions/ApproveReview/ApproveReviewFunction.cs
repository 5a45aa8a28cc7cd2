using Fulfilment.Hosting;
using Fulfilment.Http;

namespace Fulfilment.Functions.ApproveReview;

/// <summary>
/// POST /api/ops/partners/{partnerId}/orders/{orderId}/approve — <c>{"by", "reason"}</c>: a held order is paid and
/// fulfilled, who and why in its trace. 200 with the order; 404 for no such order; 409 when it is not held for review.
/// </summary>
internal sealed class ApproveReviewFunction(ReviewDecisions decisions) : IHttpFunction
{
    public string Name => "ApproveReview";

    public Task<IResult> HandleAsync(HttpContext context) => decisions.DecideAsync(context, approve: true);
}
