using System.CommandLine;
using System.Text.Json;

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
                var stock = await context.Api.GetAsync($"api/ops/skus/{Uri.EscapeDataString(one)}/stock", Caller.Ops, cancellationToken);
                await context.WriteAsync(stock, s =>
                    [
                        $"{one}: {s.GetProperty("available").GetInt32():N0} available, {s.GetProperty("reserved").GetInt32():N0} reserved, " +
                        $"{s.GetProperty("sold").GetInt32():N0} sold, {s.GetProperty("void").GetInt32():N0} void ({s.GetProperty("expired").GetInt32():N0} expired)",
                        $"  cost of keys sold {Number(s, "soldCost")}, sold margin {Number(s, "soldMargin")}, low-stock threshold {Number(s, "lowStockThreshold")}",
                    ]);
                return;
            }

            var skus = (await context.Api.GetAsync("api/ops/skus", Caller.Ops, cancellationToken)).GetProperty("skus");
            await context.WriteAsync(skus, rows =>
                Table.Format(
                    ["SKU", "KIND", "AVAILABLE", "RESERVED", "SOLD", "VOID", "PRICE", "COST", "MARGIN", "MARGIN %", "SOLD MARGIN"],
                    rows.EnumerateArray().Select(r => new[]
                    {
                        r.GetProperty("sku").GetString()!, r.GetProperty("kind").GetString()!,
                        Stock(r, "available"), Stock(r, "reserved"), Stock(r, "sold"), Stock(r, "void"),
                        $"{Number(r, "unitPrice")} {r.GetProperty("currency").GetString()}", Number(r, "unitCost"), Number(r, "unitMargin"),
                        Number(r, "marginPercent"), Number(r, "soldMargin"),
                    })));
        });
        return command;
    }

    private static string Stock(JsonElement row, string name) =>
        row.GetProperty("stock") is { ValueKind: JsonValueKind.Object } stock ? stock.GetProperty(name).GetInt32().ToString("N0") : "-";

    private static string Number(JsonElement row, string name) =>
        row.GetProperty(name) is { ValueKind: JsonValueKind.Number } value ? value.GetDecimal().ToString("0.##") : "-";
}
