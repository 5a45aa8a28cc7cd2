using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fulfilment.Http;
using Fulfilment.Storage;

namespace Fulfilment.Hosting;

/// <summary>
/// The Azure Functions custom-handler protocol. The Functions host POSTs each non-HTTP invocation to
/// <c>/&lt;FunctionName&gt;</c> with <c>{"Data": {...}, "Metadata": {...}}</c> and reads back
/// <c>{"Outputs", "Logs", "ReturnValue"}</c>; a non-2xx answer fails the invocation. HTTP functions are
/// forwarded as-is (<c>enableForwardingHttpRequest</c>) to their <c>/api/...</c> routes, each behind the access rule of
/// its route (<see cref="RouteAccessPolicy"/>).
/// </summary>
internal static class CustomHandlerEndpoints
{
    public static void MapFunctions(this WebApplication app)
    {
        var metadata = app.Services.GetRequiredService<FunctionAppMetadata>();
        var invoker = app.Services.GetRequiredService<QueueFunctionInvoker>();
        var httpFunctions = app.Services.GetServices<IHttpFunction>().ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var timerFunctions = app.Services.GetServices<ITimerFunction>().ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var configuration = app.Services.GetRequiredService<IConfiguration>();
        var accessPolicy = app.Services.GetRequiredService<RouteAccessPolicy>();

        var unmapped = new List<string>();
        foreach (var function in metadata.Functions)
        {
            if (function.HttpTrigger is { } http && httpFunctions.Remove(function.Name, out var httpFunction))
            {
                var route = http.Route ?? function.Name;
                var methods = http.Methods is { Length: > 0 } m ? m.Select(x => x.ToUpperInvariant()) : ["GET", "POST"];
                var access = RouteAccessPolicy.For(route);
                app.MapMethods($"/{metadata.RoutePrefix}/{route}", methods, async context =>
                        await (await accessPolicy.ChallengeAsync(access, context) ?? await httpFunction.HandleAsync(context)).ExecuteAsync(context))
                    .WithName(function.Name);
            }
            else if (function.QueueTrigger is { } queue && invoker.Handles(function.Name))
            {
                var queueName = FunctionAppMetadata.Resolve(queue.QueueName ?? "", configuration);
                app.MapPost($"/{function.Name}", async context =>
                    await (await InvokeQueueFunctionAsync(context, invoker, function, queue, queueName)).ExecuteAsync(context));
            }
            else if (function.TimerTrigger is not null && timerFunctions.Remove(function.Name, out var timerFunction))
            {
                // The host POSTs {"Data": {"<binding>": {timer info}}, "Metadata": {...}}; nothing in it changes what runs.
                app.MapPost($"/{function.Name}", async context => await (await RunTimerFunctionAsync(context, timerFunction)).ExecuteAsync(context));
            }
            else
            {
                unmapped.Add(function.Name);
            }
        }

        unmapped.AddRange(httpFunctions.Keys);
        unmapped.AddRange(timerFunctions.Keys);
        if (unmapped.Count > 0)
        {
            throw new InvalidOperationException(
                $"Function folders and handlers disagree (a folder without a handler or a handler without a folder): {string.Join(", ", unmapped)}.");
        }
    }

    private static async Task<IResult> InvokeQueueFunctionAsync(
        HttpContext context, QueueFunctionInvoker invoker, FunctionDefinition function, BindingDefinition trigger, string queueName)
    {
        JsonObject payload;
        try
        {
            payload = await JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body, cancellationToken: context.RequestAborted)
                ?? throw new JsonException("empty payload");
        }
        catch (JsonException exception)
        {
            return Answer(StatusCodes.Status400BadRequest, $"Invocation payload is not JSON: {exception.Message}");
        }

        var data = payload["Data"] as JsonObject;
        var metadata = payload["Metadata"] as JsonObject;
        if (data?[trigger.Name] is not { } message)
        {
            return Answer(StatusCodes.Status400BadRequest, $"Invocation payload has no Data.{trigger.Name}.");
        }

        var invocation = new QueueInvocation(
            function.Name,
            queueName,
            MessageId: Text(metadata?["Id"]) ?? Guid.NewGuid().ToString(),
            // The host hands a queue message over as a JSON string; accept an object too.
            MessageText: message is JsonValue value && value.TryGetValue<string>(out var text) ? text : message.ToJsonString(),
            DequeueCount: long.TryParse(Text(metadata?["DequeueCount"]), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 1,
            InsertionTime: DateTimeOffset.TryParse(Text(metadata?["InsertionTime"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var inserted) ? inserted : null);

        var outcome = await invoker.InvokeAsync(invocation, context.RequestAborted);
        return outcome.Succeeded
            ? Answer(StatusCodes.Status200OK, $"{function.Name} processed message {invocation.MessageId}")
            : Answer(StatusCodes.Status500InternalServerError, $"{function.Name} failed for message {invocation.MessageId}: {outcome.Error}");
    }

    private static async Task<IResult> RunTimerFunctionAsync(HttpContext context, ITimerFunction function)
    {
        try
        {
            await function.RunAsync(context.RequestAborted);
            return Answer(StatusCodes.Status200OK, $"{function.Name} ran");
        }
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(function.Name).LogError(exception, "Timer function {FunctionName} failed", function.Name);
            return Answer(StatusCodes.Status500InternalServerError, $"{function.Name} failed: {exception.GetType().Name}");
        }
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    private static IResult Answer(int statusCode, string log) =>
        Results.Json(
            new JsonObject { ["Outputs"] = new JsonObject(), ["Logs"] = new JsonArray(log), ["ReturnValue"] = null },
            statusCode: statusCode);
}
