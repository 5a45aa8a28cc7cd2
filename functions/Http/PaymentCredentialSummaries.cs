using Fulfilment.Contract;
using Fulfilment.Partners;

namespace Fulfilment.Http;

/// <summary>A payment-provider credential as ops see it (adding one, listing them): never a secret or key.</summary>
internal static class PaymentCredentialSummaries
{
    public static PaymentCredentialSummary Of(ProviderCredential c, DateTimeOffset now) =>
        new(c.Id, c.Provider, c.CreatedAt, c.LastUsedAt, c.RetiresAt, c.IsActiveAt(now), c.MerchantId, c.PublicKeySerial, c.AppId, c.SellerId);
}
