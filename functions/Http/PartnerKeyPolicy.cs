using Fulfilment.Partners;

namespace Fulfilment.Http;

/// <summary>
/// Guards the partner API (every route under <c>partners/{partnerId}/</c>): the API key decides who the caller is. A route naming another partner answers 404, like
/// something that does not exist, whatever key or ids are sent. Requests that fail to authenticate spend their source's
/// budget (and, once it is spent, that source's unknown keys are not even looked up); an authenticated caller spends
/// only its own partner's.
/// </summary>
internal sealed class PartnerKeyPolicy(PartnerDirectory partners, PartnerRateLimit rateLimit)
{
    /// <summary>Null when the request's API key belongs to <paramref name="partnerId"/>; else 401 (no or unknown key), 404 or 429.</summary>
    public async Task<IResult?> ChallengeAsync(string partnerId, HttpRequest request)
    {
        var apiKey = ApiResults.BearerToken(request);
        if (!string.IsNullOrEmpty(apiKey) && !partners.IsKnownApiKey(apiKey) && rateLimit.IsSourceSpent(request.HttpContext) is { } spent)
        {
            return spent;
        }

        var caller = string.IsNullOrEmpty(apiKey) ? null : await partners.AuthenticateAsync(apiKey, request.HttpContext.RequestAborted);
        if (caller is null)
        {
            return rateLimit.ThrottleSource(request.HttpContext)
                ?? ApiResults.Unauthorized("A partner API key is required: Authorization: Bearer <api key>.");
        }

        return caller != partnerId ? ApiResults.NotFound() : rateLimit.ThrottlePartner(caller);
    }
}
