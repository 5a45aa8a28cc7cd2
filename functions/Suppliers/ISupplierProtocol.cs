namespace Fulfilment.Suppliers;

/// <summary>
/// A wire protocol a supplier speaks, named in its settings (<c>Suppliers:&lt;name&gt;:Protocol</c>): it makes the
/// client that speaks it over the supplier's resilient HTTP client. To add one, implement this and
/// <see cref="ISupplierClient"/>, and register the protocol in <see cref="SuppliersRegistration"/>.
/// </summary>
internal interface ISupplierProtocol
{
    /// <summary>The name settings use.</summary>
    string Name { get; }

    /// <summary>The client for supplier <paramref name="name"/>, over its resilient HTTP client.</summary>
    ISupplierClient Create(string name, HttpClient http, SupplierOptions options);

    /// <summary>What is wrong with a supplier's settings for this protocol (none: nothing).</summary>
    IEnumerable<string> CheckSettings(string name, SupplierOptions options);

    /// <summary>What is wrong with a SKU's product code for this protocol; null if it is one the protocol understands.</summary>
    string? CheckProductCode(string productCode);
}
