using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Partners;

namespace Fulfilment.Functions.RetirePaymentCredential;

/// <summary>
/// POST /api/ops/partners/{partnerId}/payment-credentials/{credentialId}/retire — <c>{"overlapMinutes"?}</c> (default 60,
/// 0 = now): after the overlap the credential verifies no notification. A leaked secret is retired with overlap 0.
/// </summary>
internal sealed class RetirePaymentCredentialFunction(PartnerDirectory partners, TimeProvider clock) : IHttpFunction
{
    public string Name => "RetirePaymentCredential";

    public Task<IResult> HandleAsync(HttpContext context) =>
        Retirement.HandleAsync(context, "credentialId", async (partnerId, credentialId, overlap) =>
            await partners.RetireProviderCredentialAsync(partnerId, credentialId, overlap, context.RequestAborted)
                ? Results.Json(new PaymentCredentialRetired(partnerId, credentialId, clock.GetUtcNow() + overlap))
                : ApiResults.NotFound($"Partner '{partnerId}' has no active payment credential '{credentialId}'."));
}
