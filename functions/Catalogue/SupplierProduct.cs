namespace Fulfilment.Catalogue;

/// <summary>The product as one supplier names it, where it differs from the SKU's product code.</summary>
internal sealed record SupplierProduct(string Supplier, string ProductCode);
