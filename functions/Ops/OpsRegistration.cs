using Fulfilment.Settings;

namespace Fulfilment.Ops;

/// <summary>The ops part of the app: its settings (the ops key, the replay cap), alerts, the poison queues, and orders' traces.</summary>
internal static class OpsRegistration
{
    public static IServiceCollection AddOps(this IServiceCollection services)
    {
        services.AddSettings<OpsOptions>("Ops");
        services.AddSingleton<OpsAlerts>();
        services.AddSingleton<PoisonQueues>();
        services.AddSingleton<OrderTraceQuery>();
        return services;
    }
}
