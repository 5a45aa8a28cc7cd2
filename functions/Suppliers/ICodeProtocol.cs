namespace Fulfilment.Suppliers;

/// <summary>A protocol of suppliers that sell codes (gift cards) for card-key SKUs.</summary>
internal interface ICodeProtocol : ISupplierProtocol
{
    /// <summary>The client for supplier <paramref name="name"/>, over its resilient HTTP client.</summary>
    ICodeSupplier Create(string name, HttpClient http, SupplierOptions options);
}
