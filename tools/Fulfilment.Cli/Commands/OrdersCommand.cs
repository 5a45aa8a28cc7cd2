using System.CommandLine;
using System.Text.Json;
using Fulfilment.Contract;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil orders show|trace|resend-notification &lt;partnerId&gt; &lt;orderId&gt;</c>.</summary>
internal static class OrdersCommand
{
    public static Command Build()
    {
        var orders = new Command("orders", "One order, as ops see it (key ids, never keys).");
        orders.Subcommands.Add(OrderCommand("show", "The order: state, reason, keys' ids, supplier references, notification status.", async (context, order, _) =>
            await context.WriteAsync(order.Order, o => JsonSerializer.SerializeToElement(o, ContractJson.Options).EnumerateObject()
                .Where(p => p.Value.ValueKind is not JsonValueKind.Null)
                .Select(p => $"{p.Name + ":",-22} {(p.Value.ValueKind == JsonValueKind.Array ? string.Join(", ", p.Value.EnumerateArray()) : p.Value.ToString())}"))));
        orders.Subcommands.Add(OrderCommand("trace", "Every state change, supplier call and notification attempt, in time order.", async (context, order, _) =>
            await context.WriteAsync(order.Trace, trace => trace.Select(e => $"{e.At.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}  {e.Kind,-13}  {e.Summary}"))));

        var partnerId = new Argument<string>("partnerId");
        var orderId = new Argument<string>("orderId");
        var resend = new Command("resend-notification", "Send the partner the order's final state again (same webhook id).") { partnerId, orderId };
        resend.Runs(async (context, cancellationToken) =>
        {
            var answer = await context.Api.PostAsync<NotificationQueued>(
                OrderPath(context.Result.GetValue(partnerId)!, context.Result.GetValue(orderId)!) + "/notification", null, Caller.Ops, cancellationToken);
            await context.WriteAsync(answer, a => [$"Notification of '{a.State}' queued for {a.PartnerId}."]);
        });
        orders.Subcommands.Add(resend);
        return orders;
    }

    private static Command OrderCommand(string name, string description, Func<CliContext, OrderTrace, CancellationToken, Task> show)
    {
        var partnerId = new Argument<string>("partnerId");
        var orderId = new Argument<string>("orderId");
        var command = new Command(name, description) { partnerId, orderId };
        command.Runs(async (context, cancellationToken) =>
        {
            var order = await context.Api.GetAsync<OrderTrace>(OrderPath(context.Result.GetValue(partnerId)!, context.Result.GetValue(orderId)!), Caller.Ops, cancellationToken);
            await show(context, order, cancellationToken);
        });
        return command;
    }

    private static string OrderPath(string partnerId, string orderId) =>
        $"api/ops/partners/{Uri.EscapeDataString(partnerId)}/orders/{Uri.EscapeDataString(orderId)}";
}
