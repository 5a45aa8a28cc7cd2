namespace Fulfilment.Catalogue;

/// <summary>The catalogue's part of the app: the SKUs.</summary>
internal static class CatalogueRegistration
{
    public static IServiceCollection AddCatalogue(this IServiceCollection services) => services.AddSingleton<SkuCatalogue>();
}
