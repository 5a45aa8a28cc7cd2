using Fulfilment.Settings;
using Microsoft.Extensions.Azure;

namespace Fulfilment.Crypto;

/// <summary>Crypto's part of the app: the KEKs (Key Vault in Azure, a development KEK locally), the data keys, and KEK rotation.</summary>
internal static class CryptoRegistration
{
    public static IServiceCollection AddCrypto(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DevKekOptions>("DevKek");
        if (services.AddSettingsAndRead<KeyVaultOptions>(configuration, "KeyVault").Uri is { Length: > 0 } keyVaultUri)
        {
            services.AddAzureClients(clients => clients.AddSecretClient(new Uri(keyVaultUri)));
            services.AddSingleton<IKeyEncryptionKeys, KeyVaultKeyEncryptionKeys>();
        }
        else
        {
            services.AddSingleton<IKeyEncryptionKeys, DevKeyEncryptionKeys>();
        }

        services.AddSingleton<DataKeyRing>();
        services.AddSingleton<IKekWrappedRows>(provider => provider.GetRequiredService<DataKeyRing>());
        services.AddSingleton<KekRotation>();
        return services;
    }
}
