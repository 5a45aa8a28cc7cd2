using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Partners;

namespace Fulfilment.Functions.AddWebhookSecret;

/// <summary>POST /api/ops/partners/{partnerId}/webhook-secrets — one more active webhook secret, for rotation.</summary>
internal sealed class AddWebhookSecretFunction(PartnerDirectory partners) : IHttpFunction
{
    public string Name => "AddWebhookSecret";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var secret = PartnerId.IsValid(partnerId) ? await partners.AddWebhookSecretAsync(partnerId, context.RequestAborted) : null;
        return secret is null
            ? ApiResults.NotFound($"No partner '{partnerId}'.")
            : Results.Json(
                new WebhookSecretCreated(partnerId, secret, PartnerCredentials.CallbackSecretOf(secret), PartnerCredentials.SecretIdOf(secret)),
                statusCode: StatusCodes.Status201Created);
    }
}
