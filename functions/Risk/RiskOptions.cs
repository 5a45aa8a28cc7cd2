using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Risk;

/// <summary>The risk settings (section <c>Risk</c>).</summary>
internal sealed class RiskOptions
{
    /// <summary>
    /// The key of the keyed hashes that stand for blocklisted e-mails, phones and target accounts (base64, at least 32
    /// bytes): a secret, from Key Vault in Azure. Changing it makes every stored hash miss: enter those blocklists again.
    /// </summary>
    [Required, MinLength(44)]
    public string IdentityHashKey { get; set; } = "";

    /// <summary>An order held for review longer than this raises an ops alert.</summary>
    [Range(1, 10080)]
    public int ReviewDeadlineMinutes { get; set; } = 240;
}
