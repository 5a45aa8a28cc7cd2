using Fulfilment.Http;

namespace Fulfilment.Partners;

/// <summary>
/// Guards the partner API: the API key decides who the caller is. A route naming another partner answers 404, like
/// something that does not exist, whatever key or ids are sent.
/// </summary>
internal sealed class PartnerAuthentication(PartnerDirectory partners)
{
    /// <summary>Null when the request's API key belongs to <paramref name="partnerId"/>; else 401 (no or unknown key) or 404.</summary>
    public async Task<IResult?> ChallengeAsync(string partnerId, HttpRequest request)
    {
        var apiKey = ApiResults.BearerToken(request);
        var caller = string.IsNullOrEmpty(apiKey) ? null : await partners.AuthenticateAsync(apiKey, request.HttpContext.RequestAborted);
        return caller is null ? ApiResults.Unauthorized("A partner API key is required: Authorization: Bearer <api key>.")
            : caller != partnerId ? ApiResults.NotFound()
            : null;
    }
}
