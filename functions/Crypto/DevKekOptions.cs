namespace Fulfilment.Crypto;

internal sealed class DevKekOptions
{
    /// <summary>Base64 of 32 bytes. For local use only.</summary>
    public string? Key { get; set; }
}
