using System.CommandLine;
using System.Globalization;
using Fulfilment.Contract;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil suppliers</c>: each supplier's health — its circuit breaker and its recent calls' verdicts.</summary>
internal static class SuppliersCommand
{
    public static Command Build()
    {
        var suppliers = new Command(
            "suppliers", "Each configured supplier: protocol, circuit breaker, its calls' verdicts over the last minutes, when it last credited and last failed (as the instance that answered saw it).");
        suppliers.Runs(async (context, cancellationToken) =>
        {
            var list = await context.Api.GetAsync<SupplierList>("api/ops/suppliers", Caller.Ops, cancellationToken);
            await context.WriteAsync(list, l => l.Suppliers.Count == 0 ? ["No supplier is configured."] :
            [
                .. Table.Format(
                    ["SUPPLIER", "PROTOCOL", "CIRCUIT", $"CALLS ({l.WindowMinutes} MIN)", "LAST CREDITED", "LAST FAILED"],
                    l.Suppliers.Select(s => new[]
                    {
                        s.Name, s.Protocol, s.Circuit,
                        s.Verdicts.Count == 0 ? "-" : string.Join(", ", s.Verdicts.Select(v => $"{v.Count} {v.Verdict}")),
                        Time(s.LastSucceededAt), Time(s.LastFailedAt),
                    })),
                $"(instance {l.Instance})",
            ]);
        });
        return suppliers;
    }

    private static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
}
