using Fulfilment.Contract;
using Fulfilment.Ops;

namespace Fulfilment.Http;

/// <summary>Reads the poison queue named in the route and, for replay and purge, which of its messages to act on.</summary>
internal static class PoisonRequest
{
    /// <summary>Replay or purge: checks the queue and the filter, then runs <paramref name="action"/>.</summary>
    public static async Task<IResult> ActAsync(
        HttpContext context, PoisonQueues poisonQueues,
        Func<string, PoisonSelection, CancellationToken, Task<PoisonActionReport>> action)
    {
        var (queue, queueError) = await QueueAsync(context, poisonQueues);
        var (selection, filterError) = queueError is null ? await SelectionAsync(context.Request) : (null, null);
        return queueError ?? filterError ?? Results.Json(await action(queue!, selection!, context.RequestAborted));
    }

    /// <summary>The poison queue of the route, or the 404 to answer.</summary>
    public static async Task<(string? Queue, IResult? Error)> QueueAsync(HttpContext context, PoisonQueues poisonQueues)
    {
        var queue = (string)context.GetRouteValue("queue")!;
        return await poisonQueues.ExistsAsync(queue, context.RequestAborted)
            ? (queue, null)
            : (null, ApiResults.NotFound($"No poison queue '{queue}' (poison queues end in -poison; GET /api/ops/poison lists them)."));
    }

    /// <summary>
    /// The messages a <see cref="PoisonFilter"/> body selects — exactly one of all, message ids or an order id, so that
    /// an empty or mistyped body never acts on a whole queue.
    /// </summary>
    public static async Task<(PoisonSelection? Selection, IResult? Error)> SelectionAsync(HttpRequest request)
    {
        var (body, error) = await JsonBody.ReadAsync<PoisonFilter>(request);
        if (error is not null)
        {
            return (null, error);
        }

        var given = (body!.All == true ? 1 : 0) + (body.MessageIds is { Count: > 0 } ? 1 : 0) + (string.IsNullOrEmpty(body.OrderId) ? 0 : 1);
        return given == 1
            ? (new PoisonSelection(body.All == true, (body.MessageIds ?? []).ToHashSet(StringComparer.Ordinal), body.OrderId), null)
            : (null, ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_filter",
                "Say which messages: exactly one of {\"all\": true}, {\"messageIds\": [\"...\"]} or {\"orderId\": \"...\"}."));
    }
}
