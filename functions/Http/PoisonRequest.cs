using Fulfilment.Ops;

namespace Fulfilment.Http;

/// <summary>Reads the poison queue named in the route and, for replay and purge, which of its messages to act on.</summary>
internal static class PoisonRequest
{
    /// <summary>Replay or purge: checks the queue and the filter, then runs <paramref name="action"/>.</summary>
    public static async Task<IResult> ActAsync(
        HttpContext context, PoisonQueues poisonQueues,
        Func<string, PoisonFilter, CancellationToken, Task<PoisonActionReport>> action)
    {
        var (queue, queueError) = await QueueAsync(context, poisonQueues);
        var (filter, filterError) = queueError is null ? await FilterAsync(context.Request) : (null, null);
        return queueError ?? filterError ?? Results.Json(await action(queue!, filter!, context.RequestAborted));
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
    /// The filter of a body <c>{"all": true}</c>, <c>{"messageIds": [...]}</c> or <c>{"orderId": "..."}</c> — exactly one,
    /// so that an empty or mistyped body never acts on a whole queue.
    /// </summary>
    public static async Task<(PoisonFilter? Filter, IResult? Error)> FilterAsync(HttpRequest request)
    {
        var (body, error) = await JsonBody.ReadAsync<FilterBody>(request);
        if (error is not null)
        {
            return (null, error);
        }

        var given = (body!.All == true ? 1 : 0) + (body.MessageIds is { Length: > 0 } ? 1 : 0) + (string.IsNullOrEmpty(body.OrderId) ? 0 : 1);
        return given == 1
            ? (new PoisonFilter(body.All == true, (body.MessageIds ?? []).ToHashSet(StringComparer.Ordinal), body.OrderId), null)
            : (null, ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_filter",
                "Say which messages: exactly one of {\"all\": true}, {\"messageIds\": [\"...\"]} or {\"orderId\": \"...\"}."));
    }

    private sealed record FilterBody(bool? All, string[]? MessageIds, string? OrderId);
}
