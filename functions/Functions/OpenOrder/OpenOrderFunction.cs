using Fulfilment.Catalogue;
using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Orders;

namespace Fulfilment.Functions.OpenOrder;

/// <summary>
/// POST /api/partners/{partnerId}/orders — opens an order before payment: 201 with the amount to charge, the payment
/// reference for the provider and the payment window; 200 for the same request again; 409 for another request under the
/// same order id; 400 for a body that is not exactly an order; 422 when the order could never be fulfilled, or a risk rule of the shop refuses it (the rule's code; with
/// <c>Retry-After</c> when waiting would help: a paced SKU's next minute, a buyer's limit freeing up).
/// </summary>
internal sealed class OpenOrderFunction(OrderOpening opening, TimeProvider clock) : IHttpFunction
{
    private const int MaxBodyBytes = 16 * 1024;

    public string Name => "OpenOrder";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var body = await ApiResults.ReadBodyAsync(context.Request, MaxBodyBytes);
        if (body is null)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body must be at most {MaxBodyBytes} bytes.");
        }

        var (request, problems) = OrderRequest.Parse(body);
        if (request is null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_order", "The order is not valid.", problems);
        }

        var result = await opening.OpenAsync((string)context.GetRouteValue("partnerId")!, request, context.RequestAborted);
        if (result.Refusal is { } refusal)
        {
            if (refusal.RetryAt is { } retryAt)
            {
                // A paced SKU's next minute, or when the buyer's limit frees up: the request may succeed then.
                var seconds = Math.Max(1, (int)Math.Ceiling((retryAt - clock.GetUtcNow()).TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return ApiResults.Error(refusal.IsConflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, refusal.Code, refusal.Message);
        }

        var order = result.Order!;
        return Results.Json(
            new OpenedOrder(order.OrderId, order.State, order.Sku, order.Quantity, order.Amount, order.Currency,
                Money.ToMinorUnits(order.Amount, order.Currency), order.PaymentReference, order.ExpiresAt),
            statusCode: result.Existing ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }
}
