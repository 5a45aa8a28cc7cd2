namespace Fulfilment.Suppliers;

/// <summary>The generic REST supplier protocol (docs/supplier-protocol.md): the default when a supplier names none.</summary>
internal sealed class GenericRestProtocol(TimeProvider clock) : ICreditProtocol
{
    public const string ProtocolName = "generic-rest";

    public string Name => ProtocolName;

    public ISupplierClient Create(string name, HttpClient http, SupplierOptions options) => new GenericRestSupplier(http, options.ApiKey, clock);

    public IEnumerable<string> CheckSettings(string name, SupplierOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            yield return $"Suppliers:{name}:ApiKey is required";
        }
    }

    public string? CheckProductCode(string productCode) => null;
}
