using System.Globalization;
using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Ops;

namespace Fulfilment.Functions.ListPoisonMessages;

/// <summary>
/// GET /api/ops/poison/{queue}/messages?limit=32 — the first messages of a poison queue (Storage lets a reader look at
/// 32 without taking them), decoded, with dequeue count, insertion time, replay count and the failure the app recorded.
/// </summary>
internal sealed class ListPoisonMessagesFunction(PoisonQueues poisonQueues) : IHttpFunction
{
    public string Name => "ListPoisonMessages";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var limitText = context.Request.Query["limit"].ToString();
        var limit = PoisonQueues.MaxPeek;
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > PoisonQueues.MaxPeek))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_limit", $"limit must be 1-{PoisonQueues.MaxPeek}.");
        }

        var (queue, error) = await PoisonRequest.QueueAsync(context, poisonQueues);
        return error ?? Results.Json(new PoisonMessageList(queue!, await poisonQueues.PeekAsync(queue!, limit, context.RequestAborted)));
    }
}
