using System.CommandLine;
using Fulfilment.Contract;

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
                var queues = (await context.Api.GetAsync<PoisonQueueList>("api/ops/poison", Caller.Ops, cancellationToken)).Queues;
                await context.WriteAsync(queues, q => Table.Format(
                    ["POISON QUEUE", "ORIGINAL QUEUE", "MESSAGES"],
                    q.Select(r => new[] { r.Queue, r.OriginalQueue, r.ApproximateCount.ToString("N0") })));
                return;
            }

            var messages = (await context.Api.GetAsync<PoisonMessageList>(
                $"api/ops/poison/{Uri.EscapeDataString(name)}/messages?limit={context.Result.GetValue(limit)}", Caller.Ops, cancellationToken)).Messages;
            await context.WriteAsync(messages, m => m.SelectMany(Describe));
        });
        poison.Subcommands.Add(list);
        poison.Subcommands.Add(ActionCommand("replay", "Send messages back to their original queue (each with its replay count raised; refused at the replay cap)."));
        poison.Subcommands.Add(ActionCommand("purge", "Delete messages."));
        return poison;
    }

    private static IEnumerable<string> Describe(PoisonMessage message)
    {
        yield return $"{message.MessageId}  inserted {message.InsertedAt:O}  dequeued {message.DequeueCount}  replayed {message.ReplayCount}"
            + (message.ReplayCapReached ? " (cap reached)" : "");
        yield return $"  body:   {message.Body}";
        if (message.Failure is { } failure)
        {
            yield return $"  failed: {failure.FunctionName} after {failure.Attempts} attempt(s): {failure.Reason}";
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
            var filter = r.GetValue(all) ? PoisonFilter.Everything : r.GetValue(orderId) is { } order ? PoisonFilter.OfOrder(order) : PoisonFilter.Messages(r.GetValue(messageIds)!);
            var report = await context.Api.PostAsync<PoisonActionReport>($"api/ops/poison/{Uri.EscapeDataString(r.GetValue(queue)!)}/{action}", filter, Caller.Ops, cancellationToken);
            await context.WriteAsync(report, Summary);
        });
        return command;
    }

    private static IEnumerable<string> Summary(PoisonActionReport report)
    {
        yield return $"Examined {report.Examined}: replayed {report.Replayed.Count}, deleted {report.Deleted.Count}, not replayed {report.NotReplayed.Count}.";
        foreach (var problem in report.NotReplayed)
        {
            yield return $"  {problem.MessageId}: {problem.Reason}";
        }
    }
}
