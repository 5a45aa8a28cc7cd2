namespace Fulfilment.Suppliers;

/// <summary>A protocol of suppliers that credit accounts: top-ups and redemptions.</summary>
internal interface ICreditProtocol : ISupplierProtocol
{
    /// <summary>The client for supplier <paramref name="name"/>, over its resilient HTTP client.</summary>
    ISupplierClient Create(string name, HttpClient http, SupplierOptions options);
}
