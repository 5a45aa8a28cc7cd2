using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Partners;

namespace Fulfilment.Functions.AddPartnerApiKey;

/// <summary>POST /api/ops/partners/{partnerId}/api-keys — one more API key for the partner (shown once).</summary>
internal sealed class AddPartnerApiKeyFunction(PartnerDirectory partners) : IHttpFunction
{
    public string Name => "AddPartnerApiKey";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var partnerId = (string)context.GetRouteValue("partnerId")!;
        if (!PartnerId.IsValid(partnerId) || await partners.FindAsync(partnerId, context.RequestAborted) is null)
        {
            return ApiResults.NotFound($"No partner '{partnerId}'.");
        }

        var apiKey = await partners.AddApiKeyAsync(partnerId, context.RequestAborted);
        return Results.Json(new ApiKeyCreated(partnerId, apiKey, PartnerCredentials.KeyIdOf(apiKey)), statusCode: StatusCodes.Status201Created);
    }
}
