using Microsoft.Extensions.Options;

namespace Fulfilment.Suppliers;

/// <summary>The suppliers configured under <c>Suppliers:&lt;name&gt;</c>, each behind its own resilient HTTP client.</summary>
internal sealed class SupplierDirectory(IHttpClientFactory httpClients, IOptionsMonitor<SupplierOptions> options, IConfiguration configuration, TimeProvider clock)
{
    private readonly HashSet<string> names = configuration.GetSection("Suppliers").GetChildren().Select(s => s.Key).ToHashSet(StringComparer.Ordinal);

    public bool IsConfigured(string name) => names.Contains(name);

    public ISupplierClient Get(string name) =>
        IsConfigured(name)
            ? new GenericRestSupplier(httpClients.CreateClient(HttpClientName(name)), options.Get(name).ApiKey, clock)
            : throw new InvalidOperationException($"Supplier '{name}' is not configured (Suppliers:{name}:BaseUrl).");

    internal static string HttpClientName(string name) => "supplier:" + name;
}
