namespace Fulfilment.Contract;

/// <summary>The product as one supplier names it, where it differs from the SKU's <c>productCode</c> (each supplier's API has its own codes).</summary>
public sealed record SupplierProduct(string Supplier, string ProductCode);
