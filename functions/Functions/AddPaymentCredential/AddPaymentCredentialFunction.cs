using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Partners;

namespace Fulfilment.Functions.AddPaymentCredential;

/// <summary>
/// POST /api/ops/partners/{partnerId}/payment-credentials — one more active credential for a payment provider (Stripe,
/// WeChat Pay, Alipay): 201 with its id and the identifiers that are not secret; 400 with every problem when a field is
/// not what the provider issues. Stored sealed under the KEK; never returned or logged.
/// </summary>
internal sealed class AddPaymentCredentialFunction(PartnerDirectory partners, TimeProvider clock, ILogger<AddPaymentCredentialFunction> logger) : IHttpFunction
{
    public string Name => "AddPaymentCredential";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var (body, error) = await JsonBody.ReadAsync<PaymentCredentialRequest>(context.Request);
        if (error is not null)
        {
            return error;
        }

        var now = clock.GetUtcNow();
        var (credential, problems) = ProviderCredentials.Create(
            new(body!.Provider, body.EndpointSecret, body.MerchantId, body.ApiV3Key, body.PublicKeySerial, body.PublicKey, body.AppId, body.SellerId), now);
        if (credential is null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_credential", "The payment credential is not valid.", problems);
        }

        if (!PartnerId.IsValid(partnerId) || !await partners.AddProviderCredentialAsync(partnerId, credential, context.RequestAborted))
        {
            return ApiResults.NotFound($"No partner '{partnerId}'.");
        }

        logger.LogInformation("Partner {PartnerId}: {Provider} credential {CredentialId} added", partnerId, credential.Provider, credential.Id);
        return Results.Json(PaymentCredentialSummaries.Of(credential, now), statusCode: StatusCodes.Status201Created);
    }
}
