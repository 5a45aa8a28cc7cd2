using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Ops;

namespace Fulfilment.Functions.PurgePoisonMessages;

/// <summary>
/// POST /api/ops/poison/{queue}/purge with {"all": true}, {"messageIds": [...]} or {"orderId": "..."} —
/// delete matching messages.
/// </summary>
internal sealed class PurgePoisonMessagesFunction(PoisonQueues poisonQueues) : IHttpFunction
{
    public string Name => "PurgePoisonMessages";

    public Task<IResult> HandleAsync(HttpContext context) => PoisonRequest.ActAsync(context, poisonQueues, poisonQueues.PurgeAsync);
}
