using System.CommandLine;
using System.Globalization;
using Fulfilment.Contract;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil review list|approve|refuse</c>: orders the risk rules held for review, and ops' decision on each.</summary>
internal static class ReviewCommand
{
    public static Command Build()
    {
        var review = new Command("review", "Orders held for review by the risk rules: list them, approve (then fulfilled) or refuse (the partner is told to refund).");

        var partner = new Option<string?>("--partner") { Description = "Only this partner's." };
        var sku = new Option<string?>("--sku") { Description = "Only this SKU's." };
        var rule = new Option<string?>("--rule") { Description = "Only those held by this rule: review_amount, review_first_order or review_risk_score." };
        var list = new Command("list", "Held orders, oldest first: the rule that held each and its figures, the deadline, whether ops were alerted.") { partner, sku, rule };
        list.Runs(async (context, cancellationToken) =>
        {
            var r = context.Result;
            var query = string.Join("&", new[] { ("partnerId", r.GetValue(partner)), ("sku", r.GetValue(sku)), ("rule", r.GetValue(rule)) }
                .Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
            var held = await context.Api.GetAsync<HeldOrderList>("api/ops/reviews" + (query.Length > 0 ? "?" + query : ""), Caller.Ops, cancellationToken);
            await context.WriteAsync(held.Orders, orders => orders.Count == 0 ? ["No order is held for review."] : Table.Format(
                ["PARTNER", "ORDER", "SKU", "RULE", "HELD AT", "DEADLINE", "ALERTED", "WHY"],
                orders.Select(o => new[] { o.PartnerId, o.OrderId, o.Sku, o.Rule ?? "-", Time(o.HeldAt), Time(o.Deadline), o.AlertedAt is null ? "-" : Time(o.AlertedAt.Value), o.Detail ?? "-" })));
        });
        review.Subcommands.Add(list);
        review.Subcommands.Add(Decision("approve", "Approve a held order: it is paid and fulfilled; who and why go in its trace.", approve: true));
        review.Subcommands.Add(Decision("refuse", "Refuse a held order: it ends refused, its counts and held stock are given back, and the partner is told to refund.", approve: false));
        return review;
    }

    private static Command Decision(string name, string description, bool approve)
    {
        var partnerId = new Argument<string>("partnerId");
        var orderId = new Argument<string>("orderId");
        var by = new Option<string>("--by") { Description = "Who decides (default: the user running this command).", DefaultValueFactory = _ => Environment.UserName };
        var reason = new Option<string>("--reason") { Description = "Why, kept in the order's trace.", Required = true };
        var command = new Command(name, description) { partnerId, orderId, by, reason };
        command.Runs(async (context, cancellationToken) =>
        {
            var r = context.Result;
            var (partner, order) = (r.GetValue(partnerId)!, r.GetValue(orderId)!);
            var decided = await context.Api.PostAsync<OpsOrder>(
                $"api/ops/partners/{Uri.EscapeDataString(partner)}/orders/{Uri.EscapeDataString(order)}/{name}",
                new ReviewDecision(r.GetValue(by)!, r.GetValue(reason)!), Caller.Ops, cancellationToken);
            await context.WriteAsync(decided, o => [$"Order {order} of {partner} {(approve ? "approved" : "refused")}: now {o.State}."]);
        });
        return command;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
