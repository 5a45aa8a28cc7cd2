using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Ops;

namespace Fulfilment.Functions.ReplayPoisonMessages;

/// <summary>
/// POST /api/ops/poison/{queue}/replay with {"all": true}, {"messageIds": [...]} or {"orderId": "..."} —
/// send matching messages back to their original queue, each with its replay count raised (a message at the
/// replay cap is refused and reported).
/// </summary>
internal sealed class ReplayPoisonMessagesFunction(PoisonQueues poisonQueues) : IHttpFunction
{
    public string Name => "ReplayPoisonMessages";

    public Task<IResult> HandleAsync(HttpContext context) => PoisonRequest.ActAsync(context, poisonQueues, poisonQueues.ReplayAsync);
}
