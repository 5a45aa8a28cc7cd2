namespace Fulfilment.Suppliers.Reloadly;

/// <summary>Reloadly's gift-card API (<c>Protocol = reloadly-giftcards</c>): codes for card-key SKUs, bought on demand.</summary>
internal sealed class ReloadlyGiftCardProtocol(ReloadlyTokens tokens, TimeProvider clock) : ICodeProtocol
{
    public const string ProtocolName = "reloadly-giftcards";

    public string Name => ProtocolName;

    public ICodeSupplier Create(string name, HttpClient http, SupplierOptions options) =>
        new ReloadlyGiftCardSupplier(new ReloadlyApi(name, http, options, tokens, clock, ReloadlyGiftCardSupplier.MediaType), options.SenderName);

    public IEnumerable<string> CheckSettings(string name, SupplierOptions options) => ReloadlyProtocol.CheckCredentials(name, options);

    public string? CheckProductCode(string productCode) =>
        ReloadlyGiftCardProduct.Parse(productCode) is null ? $"'{productCode}' is not a Reloadly gift-card product code: {ReloadlyGiftCardProduct.Grammar}" : null;
}
