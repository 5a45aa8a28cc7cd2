using Fulfilment.Settings;

namespace Fulfilment.Http;

/// <summary>The HTTP edge's part of the app: the routes' access rules (ops key, partner keys) and the partner API's rate limits.</summary>
internal static class HttpRegistration
{
    public static IServiceCollection AddHttpEdge(this IServiceCollection services)
    {
        services.AddSettings<PartnerApiOptions>("PartnerApi");
        services.AddSingleton<PartnerRateLimit>();
        services.AddSingleton<RiskRulesEditor>();
        services.AddSingleton<ReviewDecisions>();
        services.AddSingleton<PaymentNotificationIntake>();
        services.AddSingleton<OpsKeyPolicy>();
        services.AddSingleton<PartnerKeyPolicy>();
        services.AddSingleton<RouteAccessPolicy>();
        return services;
    }
}
