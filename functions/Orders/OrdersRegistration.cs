using Fulfilment.Settings;

namespace Fulfilment.Orders;

/// <summary>The orders' part of the app: the order book, open orders, payment acceptance, fulfilment requests, the awaiting-stock list and the order trace.</summary>
internal static class OrdersRegistration
{
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        services.AddSettings<FulfilmentSendOptions>(section: null);
        services.AddSingleton<OrderMetrics>();
        services.AddSingleton<OrderBook>();
        services.AddSingleton<OpenOrders>();
        services.AddSingleton<PaymentAcceptance>();
        services.AddSingleton<PaymentReferences>();
        services.AddSingleton<OrderOpening>();
        services.AddSettings<OrderOpeningOptions>("OrderOpening");
        services.AddSingleton<PaymentHolds>();
        services.AddSingleton<StockHolds>();
        services.AddSingleton<IOrderAcceptanceRule, CatalogueRule>(); // the acceptance rules, in the order they run
        services.AddSingleton<FulfilmentRequests>();
        services.AddSingleton<AwaitingStockList>();
        services.AddSingleton<RiskScreening>();
        services.AddSingleton<OrderReviews>();
        return services;
    }
}
