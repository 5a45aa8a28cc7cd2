using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Suppliers;
using Microsoft.Extensions.Options;

namespace Fulfilment.Functions.ListSuppliers;

/// <summary>GET /api/ops/suppliers — each configured supplier's protocol, circuit breaker and recent verdicts, as this instance saw them.</summary>
internal sealed class ListSuppliersFunction(SupplierDirectory suppliers, IOptionsMonitor<SupplierOptions> settings, SupplierHealth health) : IHttpFunction
{
    public string Name => "ListSuppliers";

    public Task<IResult> HandleAsync(HttpContext context)
    {
        var statuses = suppliers.Names.Order(StringComparer.Ordinal).Select(name =>
        {
            var options = settings.Get(name);
            var (circuit, verdicts, lastSucceeded, lastFailed) = health.Report(name);
            return new SupplierStatus(
                name, options.Protocol, options.BaseUrl?.ToString() ?? "", circuit,
                [.. verdicts.Select(v => new VerdictCount(v.Verdict.ToString(), v.Count))], lastSucceeded, lastFailed);
        });
        return Task.FromResult(Results.Json(new SupplierList(Environment.MachineName, (int)SupplierHealth.Window.TotalMinutes, [.. statuses])));
    }
}
