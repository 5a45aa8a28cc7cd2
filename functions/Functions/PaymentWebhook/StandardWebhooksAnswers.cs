using Fulfilment.Contract;
using Fulfilment.Http;
using Fulfilment.Orders;

namespace Fulfilment.Functions.PaymentWebhook;

/// <summary>The API's own answers: 201 a new order, 200 a duplicate; failures as <see cref="ApiErrorAnswers"/>.</summary>
internal sealed class StandardWebhooksAnswers : ApiErrorAnswers
{
    public override IResult Accepted(Order order, bool duplicate) =>
        Results.Json(new PaymentAccepted(order.OrderId, order.State, duplicate), statusCode: duplicate ? StatusCodes.Status200OK : StatusCodes.Status201Created);

    /// <summary>Never asked: the Standard Webhooks format reads every verified notification as a payment or as invalid.</summary>
    public override IResult Ignored(string what) => throw new InvalidOperationException($"A Standard Webhooks notification is never ignored ({what}).");
}
