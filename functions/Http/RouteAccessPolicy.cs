namespace Fulfilment.Http;

/// <summary>The access rules of the HTTP routes, applied to every function before it runs (never inside it).</summary>
internal sealed class RouteAccessPolicy(OpsKeyPolicy ops, PartnerKeyPolicy partners)
{
    private static readonly string[] PublicRoutes = ["openapi.json"];

    /// <summary>The rule for a route template (as function.json writes it, without the <c>api/</c> prefix); a route no rule covers stops the app at start.</summary>
    public static RouteAccess For(string route) =>
        route.StartsWith("ops/", StringComparison.Ordinal) ? RouteAccess.Ops
        : route.StartsWith("partners/{partnerId}/", StringComparison.Ordinal) ? RouteAccess.Partner
        : route.StartsWith("webhooks/{partnerId}/", StringComparison.Ordinal) ? RouteAccess.SignedWebhook
        : route.StartsWith("suppliers/{supplier}/", StringComparison.Ordinal) ? RouteAccess.SignedCallback
        : PublicRoutes.Contains(route, StringComparer.Ordinal) ? RouteAccess.Public
        : throw new InvalidOperationException(
            $"Route '{route}' is under no access rule: HTTP routes go under ops/, partners/{{partnerId}}/, webhooks/{{partnerId}}/ or suppliers/{{supplier}}/.");

    /// <summary>Null when the request may reach the function, else the answer (401, 404 or 429).</summary>
    public async Task<IResult?> ChallengeAsync(RouteAccess access, HttpContext context) => access switch
    {
        RouteAccess.Ops => ops.Challenge(context.Request),
        RouteAccess.Partner => await partners.ChallengeAsync((string)context.GetRouteValue("partnerId")!, context.Request),
        _ => null,
    };
}
