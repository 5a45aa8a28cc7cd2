namespace Fulfilment.Suppliers.Reloadly;

/// <summary>Reloadly's airtime top-up API (<c>Protocol = reloadly</c>): OAuth2 client credentials, <c>customIdentifier</c>.</summary>
internal sealed class ReloadlyProtocol(ReloadlyTokens tokens, TimeProvider clock) : ICreditProtocol
{
    public const string ProtocolName = "reloadly";

    public string Name => ProtocolName;

    public ISupplierClient Create(string name, HttpClient http, SupplierOptions options) => new ReloadlySupplier(new ReloadlyApi(name, http, options, tokens, clock, ReloadlySupplier.MediaType));

    public IEnumerable<string> CheckSettings(string name, SupplierOptions options) => CheckCredentials(name, options);

    /// <summary>What every Reloadly API needs: client credentials and the token server.</summary>
    public static IEnumerable<string> CheckCredentials(string name, SupplierOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ClientId) || string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            yield return $"Suppliers:{name}:ClientId and ClientSecret are required";
        }

        if (options.AuthUrl is null)
        {
            yield return $"Suppliers:{name}:AuthUrl is required";
        }
    }

    public string? CheckProductCode(string productCode) =>
        ReloadlyProduct.Parse(productCode) is null ? $"'{productCode}' is not a Reloadly product code: {ReloadlyProduct.Grammar}" : null;
}
