using System.CommandLine;
using System.Text.Json;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil orders show|trace|resend-notification &lt;partnerId&gt; &lt;orderId&gt;</c>.</summary>
internal static class OrdersCommand
{
    public static Command Build()
    {
        var orders = new Command("orders", "One order, as ops see it (key ids, never keys).");
        orders.Subcommands.Add(OrderCommand("show", "The order: state, reason, keys' ids, supplier references, notification status.", async (context, order, _) =>
            await context.WriteAsync(order.GetProperty("order"), o => o.EnumerateObject()
                .Where(p => p.Value.ValueKind is not JsonValueKind.Null)
                .Select(p => $"{p.Name + ":",-22} {(p.Value.ValueKind == JsonValueKind.Array ? string.Join(", ", p.Value.EnumerateArray()) : p.Value.ToString())}"))));
        orders.Subcommands.Add(OrderCommand("trace", "Every state change, supplier call and notification attempt, in time order.", async (context, order, _) =>
            await context.WriteAsync(order.GetProperty("trace"), trace => trace.EnumerateArray().Select(e =>
                $"{e.GetProperty("at").GetDateTimeOffset().UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}  {e.GetProperty("kind").GetString(),-13}  {e.GetProperty("summary").GetString()}"))));

        var partnerId = new Argument<string>("partnerId");
        var orderId = new Argument<string>("orderId");
        var resend = new Command("resend-notification", "Send the partner the order's final state again (same webhook id).") { partnerId, orderId };
        resend.Runs(async (context, cancellationToken) =>
        {
            var answer = await context.Api.PostJsonAsync(OrderPath(context.Result.GetValue(partnerId)!, context.Result.GetValue(orderId)!) + "/notification", new { }, Caller.Ops, cancellationToken);
            await context.WriteAsync(answer, a => [$"Notification of '{a.GetProperty("state").GetString()}' queued for {a.GetProperty("partnerId").GetString()}."]);
        });
        orders.Subcommands.Add(resend);
        return orders;
    }

    private static Command OrderCommand(string name, string description, Func<CliContext, JsonElement, CancellationToken, Task> show)
    {
        var partnerId = new Argument<string>("partnerId");
        var orderId = new Argument<string>("orderId");
        var command = new Command(name, description) { partnerId, orderId };
        command.Runs(async (context, cancellationToken) =>
        {
            var order = await context.Api.GetAsync(OrderPath(context.Result.GetValue(partnerId)!, context.Result.GetValue(orderId)!), Caller.Ops, cancellationToken);
            await show(context, order, cancellationToken);
        });
        return command;
    }

    private static string OrderPath(string partnerId, string orderId) =>
        $"api/ops/partners/{Uri.EscapeDataString(partnerId)}/orders/{Uri.EscapeDataString(orderId)}";
}
