using Microsoft.Extensions.Options;

namespace Fulfilment.Suppliers;

/// <summary>
/// The suppliers configured under <c>Suppliers:&lt;name&gt;</c>, each behind its own resilient HTTP client and spoken to
/// in the protocol its settings name.
/// </summary>
internal sealed class SupplierDirectory(
    IHttpClientFactory httpClients, IOptionsMonitor<SupplierOptions> options, IConfiguration configuration, IEnumerable<ISupplierProtocol> protocols)
{
    private readonly HashSet<string> names = configuration.GetSection("Suppliers").GetChildren().Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
    private readonly Dictionary<string, ISupplierProtocol> byProtocol = protocols.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public bool IsConfigured(string name) => names.Contains(name);

    /// <summary>Every configured supplier's name.</summary>
    public IReadOnlyCollection<string> Names => names;

    /// <summary>The client of a supplier that credits accounts.</summary>
    public ISupplierClient Get(string name) => ProtocolOf(name) is ICreditProtocol credits
        ? credits.Create(name, httpClients.CreateClient(HttpClientName(name)), options.Get(name))
        : throw new InvalidOperationException($"Supplier '{name}' sells codes, not credits: it cannot top up or redeem.");

    /// <summary>The client of a supplier that sells codes (gift cards).</summary>
    public ICodeSupplier GetCodeSupplier(string name) => ProtocolOf(name) is ICodeProtocol codes
        ? codes.Create(name, httpClients.CreateClient(HttpClientName(name)), options.Get(name))
        : throw new InvalidOperationException($"Supplier '{name}' credits accounts: it sells no codes.");

    /// <summary>Whether a configured supplier sells codes (gift cards) rather than credits.</summary>
    public bool SellsCodes(string name) => IsConfigured(name) && byProtocol.GetValueOrDefault(options.Get(name).Protocol) is ICodeProtocol;

    private ISupplierProtocol ProtocolOf(string name)
    {
        if (!IsConfigured(name))
        {
            throw new InvalidOperationException($"Supplier '{name}' is not configured (Suppliers:{name}:BaseUrl).");
        }

        var settings = options.Get(name);
        return byProtocol.TryGetValue(settings.Protocol, out var protocol)
            ? protocol
            : throw new InvalidOperationException($"Suppliers:{name}:Protocol '{settings.Protocol}' is not one the app speaks.");
    }

    /// <summary>What is wrong with <paramref name="productCode"/> for supplier <paramref name="name"/>; null if nothing.</summary>
    public string? CheckProductCode(string name, string productCode) =>
        IsConfigured(name) && byProtocol.TryGetValue(options.Get(name).Protocol, out var protocol) ? protocol.CheckProductCode(productCode) : null;

    internal static string HttpClientName(string name) => "supplier:" + name;

    /// <summary>The HTTP client of a supplier's token server, where its protocol has one.</summary>
    internal static string AuthHttpClientName(string name) => "supplier-auth:" + name;
}
