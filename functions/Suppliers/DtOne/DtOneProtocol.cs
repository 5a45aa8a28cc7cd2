namespace Fulfilment.Suppliers.DtOne;

/// <summary>DT One's Digital Value Services API (<c>Protocol = dtone</c>): Basic authentication, <c>external_id</c>, callbacks.</summary>
internal sealed class DtOneProtocol(TimeProvider clock) : ICreditProtocol
{
    public const string ProtocolName = "dtone";

    public string Name => ProtocolName;

    public ISupplierClient Create(string name, HttpClient http, SupplierOptions options) => new DtOneSupplier(name, http, options, clock);

    public IEnumerable<string> CheckSettings(string name, SupplierOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ApiKey) || string.IsNullOrWhiteSpace(options.ApiSecret))
        {
            yield return $"Suppliers:{name}:ApiKey and ApiSecret are required";
        }

        if (options.CallbackBaseUrl is not null && (options.CallbackSecret.Length < 32 || options.CallbackSecret.Distinct().Count() < 12))
        {
            // Whoever knows it can sign callback URLs: it must be a random secret, never a placeholder.
            yield return $"Suppliers:{name}:CallbackSecret must be a random secret of at least 32 characters when CallbackBaseUrl is set";
        }
    }

    public string? CheckProductCode(string productCode) =>
        DtOneProduct.Parse(productCode) is null ? $"'{productCode}' is not a DT One product code: {DtOneProduct.Grammar}" : null;
}
