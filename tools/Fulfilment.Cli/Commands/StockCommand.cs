using System.CommandLine;
using Fulfilment.Contract;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil stock [sku]</c>: stock and margin of every SKU, or the stock of one.</summary>
internal static class StockCommand
{
    public static Command Build()
    {
        var sku = new Argument<string?>("sku") { Description = "One card-key SKU (default: every SKU, with margins).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("stock", "Stock (available, reserved, sold, void) and margin per SKU.") { sku };
        command.Runs(async (context, cancellationToken) =>
        {
            if (context.Result.GetValue(sku) is { } one)
            {
                var stock = await context.Api.GetAsync<StockLevels>($"api/ops/skus/{Uri.EscapeDataString(one)}/stock", Caller.Ops, cancellationToken);
                await context.WriteAsync(stock, s =>
                    [
                        $"{one}: {s.Available:N0} available, {s.Reserved:N0} reserved, {s.Sold:N0} sold, {s.Void:N0} void ({s.Expired:N0} expired)",
                        $"  cost of keys sold {Number(s.SoldCost)}, sold margin {Number(s.SoldMargin)}, low-stock threshold {Number(s.LowStockThreshold)}",
                    ]);
                return;
            }

            var skus = (await context.Api.GetAsync<SkuList>("api/ops/skus", Caller.Ops, cancellationToken)).Skus;
            await context.WriteAsync(skus, rows =>
                Table.Format(
                    ["SKU", "KIND", "AVAILABLE", "RESERVED", "SOLD", "VOID", "PRICE", "COST", "MARGIN", "MARGIN %", "SOLD MARGIN"],
                    rows.Select(r => new[]
                    {
                        r.Sku, r.Kind,
                        Count(r.Stock?.Available), Count(r.Stock?.Reserved), Count(r.Stock?.Sold), Count(r.Stock?.Void),
                        $"{Number(r.UnitPrice)} {r.Currency}", Number(r.UnitCost), Number(r.UnitMargin), Number(r.MarginPercent), Number(r.SoldMargin),
                    })));
        });
        return command;
    }

    private static string Count(int? count) => count?.ToString("N0") ?? "-";

    private static string Number(decimal? value) => value?.ToString("0.##") ?? "-";
}
