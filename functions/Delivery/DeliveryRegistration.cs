using Fulfilment.Settings;

namespace Fulfilment.Delivery;

/// <summary>Delivery's part of the app: fulfilling paid orders (card keys, supplier top-ups and redemptions), their outcomes, the stalled-order sweep, keys arriving for waiting orders, and what partners see of their orders.</summary>
internal static class DeliveryRegistration
{
    public static IServiceCollection AddDelivery(this IServiceCollection services)
    {
        services.AddSettings<SupplierDeliveryOptions>("SupplierDelivery");
        services.AddSettings<OrderSweepOptions>("OrderSweep");
        services.AddSingleton<CardKeyDelivery>();
        services.AddSingleton<CodeBuying>();
        services.AddSingleton<SupplierDelivery>();
        services.AddSingleton<SupplierFollowUp>();
        services.AddSingleton<OrderFulfilment>();
        services.AddSingleton<ReviewDesk>();
        services.AddSingleton<OrderOutcomes>();
        services.AddSingleton<StalledOrderSweep>();
        services.AddSingleton<PartnerOrders>();
        services.AddSingleton<StockArrival>();
        services.AddSingleton<PaymentReversals>();
        return services;
    }
}
