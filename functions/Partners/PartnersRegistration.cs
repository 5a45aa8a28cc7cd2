using Fulfilment.Crypto;

namespace Fulfilment.Partners;

/// <summary>The partners' part of the app: the directory of partners and their credentials (wrapped under the KEK, so rotated with it).</summary>
internal static class PartnersRegistration
{
    public static IServiceCollection AddPartners(this IServiceCollection services)
    {
        services.AddSingleton<PartnerDirectory>();
        services.AddSingleton<IKekWrappedRows>(provider => provider.GetRequiredService<PartnerDirectory>());
        return services;
    }
}
