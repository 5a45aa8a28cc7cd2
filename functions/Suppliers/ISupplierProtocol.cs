namespace Fulfilment.Suppliers;

/// <summary>
/// A wire protocol a supplier speaks, named in its settings (<c>Suppliers:&lt;name&gt;:Protocol</c>). A protocol sells
/// either credits (<see cref="ICreditProtocol"/>: top-ups, redemptions) or codes (<see cref="ICodeProtocol"/>: gift
/// cards). To add one, implement one of those and its client, and register it in <see cref="SuppliersRegistration"/>.
/// </summary>
internal interface ISupplierProtocol
{
    /// <summary>The name settings use.</summary>
    string Name { get; }

    /// <summary>What is wrong with a supplier's settings for this protocol (none: nothing).</summary>
    IEnumerable<string> CheckSettings(string name, SupplierOptions options);

    /// <summary>What is wrong with a SKU's product code for this protocol; null if it is one the protocol understands.</summary>
    string? CheckProductCode(string productCode);
}
