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

    ISupplierClient Create(HttpClient http, SupplierOptions options);
}
