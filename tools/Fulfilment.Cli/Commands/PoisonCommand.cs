using System.CommandLine;
using System.Text.Json;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil poison list|replay|purge</c>: what failed, and putting it back on its way.</summary>
internal static class PoisonCommand
{
    public static Command Build()
    {
        var poison = new Command("poison", "Poison queues: messages given up on, with the reason the app recorded.");

        var queue = new Argument<string?>("queue") { Description = "A poison queue (default: list every poison queue with its count).", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int>("--limit") { Description = "Messages to show (1-32: Storage shows that many without taking them).", DefaultValueFactory = _ => 32 };
        var list = new Command("list", "List poison queues, or the messages of one.") { queue, limit };
        list.Runs(async (context, cancellationToken) =>
        {
            if (context.Result.GetValue(queue) is not { } name)
            {
                var queues = (await context.Api.GetAsync("api/ops/poison", Caller.Ops, cancellationToken)).GetProperty("queues");
                await context.WriteAsync(queues, q => Table.Format(
                    ["POISON QUEUE", "ORIGINAL QUEUE", "MESSAGES"],
                    q.EnumerateArray().Select(r => new[] { r.GetProperty("queue").GetString()!, r.GetProperty("originalQueue").GetString()!, r.GetProperty("approximateCount").GetInt32().ToString("N0") })));
                return;
            }

            var messages = (await context.Api.GetAsync($"api/ops/poison/{Uri.EscapeDataString(name)}/messages?limit={context.Result.GetValue(limit)}", Caller.Ops, cancellationToken))
                .GetProperty("messages");
            await context.WriteAsync(messages, m => m.EnumerateArray().SelectMany(Describe));
        });
        poison.Subcommands.Add(list);
        poison.Subcommands.Add(ActionCommand("replay", "Send messages back to their original queue (each with its replay count raised; refused at the replay cap)."));
        poison.Subcommands.Add(ActionCommand("purge", "Delete messages."));
        return poison;
    }

    private static IEnumerable<string> Describe(JsonElement message)
    {
        yield return $"{message.GetProperty("messageId").GetString()}  inserted {message.GetProperty("insertedAt")}  dequeued {message.GetProperty("dequeueCount")}  replayed {message.GetProperty("replayCount")}"
            + (message.GetProperty("replayCapReached").GetBoolean() ? " (cap reached)" : "");
        yield return $"  body:   {message.GetProperty("body").GetString()}";
        if (message.GetProperty("failure") is { ValueKind: JsonValueKind.Object } failure)
        {
            yield return $"  failed: {failure.GetProperty("functionName").GetString()} after {failure.GetProperty("attempts")} attempt(s): {failure.GetProperty("reason").GetString()}";
        }
    }

    private static Command ActionCommand(string action, string description)
    {
        var queue = new Argument<string>("queue") { Description = "The poison queue, e.g. orders-poison." };
        var all = new Option<bool>("--all") { Description = "Every message of the queue." };
        var messageIds = new Option<string[]>("--message-id") { Description = "One message (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var orderId = new Option<string?>("--order-id") { Description = "The messages of one order." };
        var command = new Command(action, description + " Say which: exactly one of --all, --message-id, --order-id.") { queue, all, messageIds, orderId };
        command.Validators.Add(result =>
        {
            var given = (result.GetValue(all) ? 1 : 0) + (result.GetValue(messageIds) is { Length: > 0 } ? 1 : 0) + (result.GetValue(orderId) is not null ? 1 : 0);
            if (given != 1)
            {
                result.AddError("Say which messages: exactly one of --all, --message-id, --order-id.");
            }
        });
        command.Runs(async (context, cancellationToken) =>
        {
            var r = context.Result;
            object filter = r.GetValue(all) ? new { all = true } : r.GetValue(orderId) is { } order ? new { orderId = order } : new { messageIds = r.GetValue(messageIds) };
            var report = await context.Api.PostJsonAsync($"api/ops/poison/{Uri.EscapeDataString(r.GetValue(queue)!)}/{action}", filter, Caller.Ops, cancellationToken);
            await context.WriteAsync(report, Summary);
        });
        return command;
    }

    private static IEnumerable<string> Summary(JsonElement report)
    {
        var replayed = report.GetProperty("replayed").GetArrayLength();
        var deleted = report.GetProperty("deleted").GetArrayLength();
        var refused = report.GetProperty("notReplayed");
        yield return $"Examined {report.GetProperty("examined")}: replayed {replayed}, deleted {deleted}, not replayed {refused.GetArrayLength()}.";
        foreach (var problem in refused.EnumerateArray())
        {
            yield return $"  {problem.GetProperty("messageId").GetString()}: {problem.GetProperty("reason").GetString()}";
        }
    }
}
