namespace Fulfilment.Payments;

/// <summary>The payment-notification formats: each is registered as itself and as one of the <see cref="IPaymentNotificationFormat"/>s.</summary>
internal static class PaymentsRegistration
{
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        services.AddSingleton<StandardWebhooksFormat>();
        services.AddSingleton<IPaymentNotificationFormat>(sp => sp.GetRequiredService<StandardWebhooksFormat>());
        services.AddSingleton<StripeFormat>();
        services.AddSingleton<IPaymentNotificationFormat>(sp => sp.GetRequiredService<StripeFormat>());
        services.AddSingleton<WeChatPayFormat>();
        services.AddSingleton<IPaymentNotificationFormat>(sp => sp.GetRequiredService<WeChatPayFormat>());
        services.AddSingleton<AlipayFormat>();
        services.AddSingleton<IPaymentNotificationFormat>(sp => sp.GetRequiredService<AlipayFormat>());
        return services;
    }
}
