using Fulfilment.Contract;
using Fulfilment.Delivery;
using Fulfilment.Ops;
using Fulfilment.Orders;

namespace Fulfilment.Http;

/// <summary>The ops API's approval or refusal of an order held for review: who and why are required, and kept in its trace.</summary>
internal sealed class ReviewDecisions(ReviewDesk desk)
{
    private const int MaxText = 500;

    public async Task<IResult> DecideAsync(HttpContext context, bool approve)
    {
        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var orderId = (string)context.GetRouteValue("orderId")!;
        var (decision, error) = await JsonBody.ReadStrictAsync<ReviewDecision>(context.Request);
        if (error is not null)
        {
            return error;
        }

        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(decision!.By) || decision.By.Length > 100) problems.Add("by must name who decides (1-100 characters)");
        if (string.IsNullOrWhiteSpace(decision.Reason) || decision.Reason.Length > MaxText) problems.Add($"reason must say why (1-{MaxText} characters)");
        if (problems.Count > 0)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_decision", "The decision is not valid.", problems);
        }

        var (order, decided) = approve
            ? await desk.ApproveAsync(partnerId, orderId, decision.By.Trim(), decision.Reason.Trim(), context.RequestAborted)
            : await desk.RefuseAsync(partnerId, orderId, decision.By.Trim(), decision.Reason.Trim(), context.RequestAborted);
        return order is null ? ApiResults.NotFound($"No order '{orderId}' of partner '{partnerId}'.")
            : decided ? Results.Json(OrderTraceQuery.OpsView(order))
            : ApiResults.Error(StatusCodes.Status409Conflict, "not_held_for_review", $"Order '{orderId}' is {order.State}, not held for review.");
    }
}
