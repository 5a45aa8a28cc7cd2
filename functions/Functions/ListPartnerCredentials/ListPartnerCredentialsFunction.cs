using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Partners;

namespace Fulfilment.Functions.ListPartnerCredentials;

/// <summary>GET /api/ops/partners/{partnerId}/credentials — the partner's webhook secrets, API keys and payment-provider credentials: ids, created, last used, retirement. Never the secrets.</summary>
internal sealed class ListPartnerCredentialsFunction(PartnerDirectory partners, TimeProvider clock) : IHttpFunction
{
    public string Name => "ListPartnerCredentials";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var partner = PartnerId.IsValid(partnerId) ? await partners.FindFreshAsync(partnerId, context.RequestAborted) : null;
        if (partner is null)
        {
            return ApiResults.NotFound($"No partner '{partnerId}'.");
        }

        var now = clock.GetUtcNow();
        var apiKeys = await partners.ListApiKeysAsync(partnerId, context.RequestAborted);
        return Results.Json(new PartnerCredentialList(
            partnerId,
            [.. partner.Secrets.Select(s => new WebhookSecretSummary(s.Id, s.CreatedAt, s.LastUsedAt, s.RetiresAt, s.IsActiveAt(now)))],
            [.. apiKeys.Select(k => new ApiKeySummary(k.KeyId, k.CreatedAt, k.LastUsedAt, k.RetiresAt, k.RetiresAt is not { } at || at > now))],
            [.. partner.ProviderCredentials.Select(c => PaymentCredentialSummaries.Of(c, now))]));
    }
}
