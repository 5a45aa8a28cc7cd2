using Fulfilment.Settings;

namespace Fulfilment.Webhooks;

/// <summary>The Standard Webhooks format's part of the app: its settings (the signature's time tolerance).</summary>
internal static class WebhooksRegistration
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services) => services.AddSettings<WebhookOptions>("Webhooks");
}
