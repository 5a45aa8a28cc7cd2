namespace Fulfilment.Hosting;

/// <summary>
/// Secrets fail closed: the app refuses to start rather than run open. A Key Vault reference App Service could not
/// resolve stays in the setting as its literal text (derivable from public names): any setting still holding one stops
/// the app. Outside Development, the ops key and the risk rules' identity hash key must be strong and not the sample's, and card keys must be protected by a
/// Key Vault KEK, never by the development KEK.
/// </summary>
internal static class SecretSettings
{
    /// <summary>The ops key of local.settings.sample.json and of local runs.</summary>
    public const string SampleOpsKey = "local-ops-key-change-me";

    public const int MinimumOpsKeyLength = 32;

    /// <summary>The identity hash key of local.settings.sample.json and of local runs.</summary>
    public const string SampleIdentityHashKey = "bG9jYWwtaWRlbnRpdHktaGFzaC1rZXktY2hhbmdlLW1l";

    public static void Check(IConfiguration configuration, IHostEnvironment environment)
    {
        var unresolved = configuration.AsEnumerable()
            .Where(setting => setting.Value?.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase) == true)
            .Select(setting => setting.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (unresolved.Count > 0)
        {
            throw new InvalidOperationException(
                $"Setting(s) {string.Join(", ", unresolved)} hold an unresolved Key Vault reference: the platform could not read the secret " +
                "(check the app identity's access to the vault and the secret's name). The app does not start without its secrets.");
        }

        if (environment.IsDevelopment())
        {
            return;
        }

        var opsKey = configuration["Ops:ApiKey"] ?? "";
        if (opsKey == SampleOpsKey || opsKey.Length < MinimumOpsKeyLength || opsKey.Distinct().Count() < 12)
        {
            throw new InvalidOperationException(
                $"Ops:ApiKey must be a random secret of at least {MinimumOpsKeyLength} characters (not the sample's) outside Development.");
        }

        var identityKey = configuration["Risk:IdentityHashKey"] ?? "";
        if (identityKey == SampleIdentityHashKey || !IsRandomKey(identityKey))
        {
            throw new InvalidOperationException(
                "Risk:IdentityHashKey must be base64 of at least 32 random bytes (not the sample's) outside Development: blocklisted e-mails and phones are only as safe as it.");
        }

        if (string.IsNullOrWhiteSpace(configuration["KeyVault:Uri"]) || !string.IsNullOrEmpty(configuration["DevKek:Key"]))
        {
            throw new InvalidOperationException(
                $"KeyVault:Uri is required in {environment.EnvironmentName}, and DevKek:Key must not be set: " +
                "card keys are protected by a Key Vault KEK, never by the development KEK, outside Development.");
        }
    }

    private static bool IsRandomKey(string base64)
    {
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var length) && length >= 32 && bytes.Take(length).Distinct().Count() >= 16;
    }
}
