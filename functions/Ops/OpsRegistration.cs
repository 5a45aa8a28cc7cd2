using Fulfilment.Settings;

namespace Fulfilment.Ops;

/// <summary>The ops part of the app: its settings (the ops key, the replay cap), alerts, and the poison queues.</summary>
internal static class OpsRegistration
{
    public static IServiceCollection AddOps(this IServiceCollection services)
    {
        services.AddSettings<OpsOptions>("Ops");
        services.AddSingleton<OpsAlerts>();
        services.AddSingleton<PoisonQueues>();
        return services;
    }
}
