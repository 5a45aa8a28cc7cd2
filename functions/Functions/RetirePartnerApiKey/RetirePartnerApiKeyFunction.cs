using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Ops;
using Fulfilment.Partners;

namespace Fulfilment.Functions.RetirePartnerApiKey;

/// <summary>POST /api/ops/partners/{partnerId}/api-keys/{keyId}/retire — <c>{"overlapMinutes"?}</c> (default 60): after it, the key authenticates nothing.</summary>
internal sealed class RetirePartnerApiKeyFunction(OpsAuthentication ops, PartnerDirectory partners) : IHttpFunction
{
    public string Name => "RetirePartnerApiKey";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        if (ops.Challenge(context.Request) is { } challenge)
        {
            return challenge;
        }

        var (overlap, error) = await Retirement.ReadOverlapAsync(context.Request);
        if (error is not null)
        {
            return error;
        }

        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var keyId = (string)context.GetRouteValue("keyId")!;
        var valid = PartnerId.IsValid(partnerId) && keyId.Length == 16 && keyId.All(Uri.IsHexDigit);
        return valid && await partners.RetireApiKeyAsync(partnerId, keyId, overlap, context.RequestAborted)
            ? Results.Json(new { partnerId, keyId, retiresAt = DateTimeOffset.UtcNow + overlap })
            : ApiResults.NotFound($"Partner '{partnerId}' has no API key '{keyId}'.");
    }
}
