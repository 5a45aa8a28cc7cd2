using Fulfilment.Contract;
using Fulfilment.Egress;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Partners;
using Microsoft.Extensions.Options;

namespace Fulfilment.Functions.CreatePartner;

/// <summary>
/// POST /api/ops/partners — <c>{"partnerId", "name", "callbackUrl"?}</c>; answers the partner's first webhook secret and API key.
/// This is the only time the API key is shown: only its hash is stored.
/// </summary>
internal sealed class CreatePartnerFunction(
    PartnerDirectory partners, IOptions<EgressOptions> egress, ILogger<CreatePartnerFunction> logger) : IHttpFunction
{
    public string Name => "CreatePartner";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (body, error) = await JsonBody.ReadAsync<CreatePartnerRequest>(context.Request);
        if (error is not null)
        {
            return error;
        }

        if (!PartnerId.IsValid(body!.PartnerId) || string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_partner",
                "partnerId must be 2-63 lowercase letters, digits and -, starting with a letter or digit; name 1-200 characters.");
        }

        Uri? callbackUrl = null;
        if (body.CallbackUrl is not null
            && (!Uri.TryCreate(body.CallbackUrl, UriKind.Absolute, out callbackUrl) || OutboundHttp.CheckUrl(callbackUrl, egress.Value.AllowPrivateNetworks) is not null))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_partner",
                egress.Value.AllowPrivateNetworks ? "callbackUrl must be an absolute http or https URL." : "callbackUrl must be an absolute https URL.");
        }

        var created = await partners.CreateAsync(body.PartnerId, body.Name, callbackUrl, context.RequestAborted);
        if (created is null)
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, "partner_exists", $"Partner '{body.PartnerId}' already exists.");
        }

        logger.LogInformation("Partner {PartnerId} created", body.PartnerId);
        var (partner, apiKey) = created.Value;
        return Results.Json(
            new CreatedPartner(partner.Id, partner.Name, partner.Secrets[0].Value, PartnerCredentials.CallbackSecretOf(partner.Secrets[0].Value), apiKey, PartnerCredentials.KeyIdOf(apiKey)),
            statusCode: StatusCodes.Status201Created);
    }
}
