using Fulfilment.Settings;

namespace Fulfilment.Inventory;

/// <summary>The inventory's part of the app: card-key stock, its shards' counts and map, import, voiding, and the low-stock watch.</summary>
internal static class InventoryRegistration
{
    public static IServiceCollection AddInventory(this IServiceCollection services)
    {
        services.AddSettings<InventoryOptions>("Inventory");
        services.AddSingleton<StockMap>();
        services.AddSingleton<LowStockWatch>();
        services.AddSingleton<KeyBatches>();
        services.AddSingleton<KeyVoiding>();
        services.AddSingleton<CardKeyInventory>();
        services.AddSingleton<StockGauge>();
        services.AddSingleton<KeyImport>();
        services.AddSingleton<CompromisedKeys>();
        services.AddSingleton<BoughtCodes>();
        services.AddSingleton<DailyCodeSpend>();
        return services;
    }
}
