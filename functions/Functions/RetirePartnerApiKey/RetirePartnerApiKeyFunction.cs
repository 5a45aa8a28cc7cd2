using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Partners;

namespace Fulfilment.Functions.RetirePartnerApiKey;

/// <summary>POST /api/ops/partners/{partnerId}/api-keys/{keyId}/retire — <c>{"overlapMinutes"?}</c> (default 60): after it, the key authenticates nothing.</summary>
internal sealed class RetirePartnerApiKeyFunction(PartnerDirectory partners, TimeProvider clock) : IHttpFunction
{
    public string Name => "RetirePartnerApiKey";

    public Task<IResult> HandleAsync(HttpContext context) =>
        Retirement.HandleAsync(context, "keyId", async (partnerId, keyId, overlap) =>
            keyId.Length == 16 && keyId.All(Uri.IsHexDigit) && await partners.RetireApiKeyAsync(partnerId, keyId, overlap, context.RequestAborted)
                ? Results.Json(new ApiKeyRetired(partnerId, keyId, clock.GetUtcNow() + overlap))
                : ApiResults.NotFound($"Partner '{partnerId}' has no API key '{keyId}'."));
}
