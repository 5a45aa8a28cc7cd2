using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Partners;

namespace Fulfilment.Functions.RetireWebhookSecret;

/// <summary>
/// POST /api/ops/partners/{partnerId}/webhook-secrets/{secretId}/retire — <c>{"overlapMinutes"?}</c> (default 60, 0 = now):
/// after the overlap the secret verifies no webhook and signs no callback. A leaked secret is retired with overlap 0.
/// </summary>
internal sealed class RetireWebhookSecretFunction(PartnerDirectory partners, TimeProvider clock) : IHttpFunction
{
    public string Name => "RetireWebhookSecret";

    public Task<IResult> HandleAsync(HttpContext context) =>
        Retirement.HandleAsync(context, "secretId", async (partnerId, secretId, overlap) =>
            await partners.RetireWebhookSecretAsync(partnerId, secretId, overlap, context.RequestAborted) switch
            {
                PartnerDirectory.RetireOutcome.Retired => Results.Json(new WebhookSecretRetired(partnerId, secretId, clock.GetUtcNow() + overlap)),
                PartnerDirectory.RetireOutcome.LastActive => ApiResults.Error(StatusCodes.Status409Conflict, "last_active_secret",
                    "This is the partner's last active webhook secret: add a new one first (the partner switches to it), then retire this one."),
                _ => ApiResults.NotFound($"Partner '{partnerId}' has no active webhook secret '{secretId}'."),
            });
}
