using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Partners;

namespace Fulfilment.Functions.RevokePartnerApiKey;

/// <summary>DELETE /api/ops/partners/{partnerId}/api-keys/{keyId} — revoke one API key (fails everywhere within a minute).</summary>
internal sealed class RevokePartnerApiKeyFunction(PartnerDirectory partners) : IHttpFunction
{
    public string Name => "RevokePartnerApiKey";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var keyId = (string)context.GetRouteValue("keyId")!;
        var valid = PartnerId.IsValid(partnerId) && keyId.Length == PartnerCredentials.ApiKeyIdLength && keyId.All(Uri.IsHexDigit);
        return valid && await partners.RevokeApiKeyAsync(partnerId, keyId, context.RequestAborted)
            ? Results.NoContent()
            : ApiResults.NotFound($"Partner '{partnerId}' has no API key '{keyId}'.");
    }
}
