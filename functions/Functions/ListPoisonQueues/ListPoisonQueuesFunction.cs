using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Ops;

namespace Fulfilment.Functions.ListPoisonQueues;

/// <summary>GET /api/ops/poison — every poison queue, its original queue and its (approximate) message count.</summary>
internal sealed class ListPoisonQueuesFunction(PoisonQueues poisonQueues) : IHttpFunction
{
    public string Name => "ListPoisonQueues";

    public async Task<IResult> HandleAsync(HttpContext context) =>
        Results.Json(new PoisonQueueList(await poisonQueues.ListQueuesAsync(context.RequestAborted)));
}
