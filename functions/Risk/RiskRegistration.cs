using Fulfilment.Settings;

namespace Fulfilment.Risk;

/// <summary>The risk rules' part of the app: the rules book, the exact counters and the keyed hashes of buyer identities.</summary>
internal static class RiskRegistration
{
    public static IServiceCollection AddRisk(this IServiceCollection services)
    {
        services.AddSettings<RiskOptions>("Risk");
        services.AddSingleton<RiskRulesBook>();
        services.AddSingleton<RiskCounters>();
        services.AddSingleton<IdentityHashes>();
        return services;
    }
}
