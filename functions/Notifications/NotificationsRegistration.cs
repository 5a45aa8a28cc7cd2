using Fulfilment.Egress;
using Fulfilment.Settings;

namespace Fulfilment.Notifications;

/// <summary>The partner notifications' part of the app: queueing them, and sending them over outbound HTTP.</summary>
internal static class NotificationsRegistration
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, EgressOptions egress)
    {
        services.AddSettings<NotificationOptions>("Notifications");
        services.AddSingleton<NotificationQueue>();
        services.AddSingleton<NotificationSender>();
        services.AddHttpClient(NotificationSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => OutboundHttp.Handler(egress.AllowPrivateNetworks))
            .ConfigureHttpClient(http => http.MaxResponseContentBufferSize = OutboundHttp.MaxResponseBytes);
        return services;
    }
}
