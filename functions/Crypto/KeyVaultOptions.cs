using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Crypto;

internal sealed class KeyVaultOptions
{
    /// <summary>Vault URI; when empty the development KEK is used (refused in Production).</summary>
    public string? Uri { get; set; }

    [Required]
    public string KekSecretName { get; set; } = "card-key-kek";
}
