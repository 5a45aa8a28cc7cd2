using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Suppliers;

/// <summary>One supplier, from the settings section <c>Suppliers:&lt;name&gt;</c>.</summary>
internal sealed class SupplierOptions
{
    /// <summary>The wire protocol the supplier speaks (an <see cref="ISupplierProtocol"/>'s name).</summary>
    [Required]
    public string Protocol { get; set; } = GenericRestProtocol.ProtocolName;

    [Required]
    public Uri? BaseUrl { get; set; }

    /// <summary>The API key, sent as a Bearer token. In Azure, a Key Vault reference in the app setting.</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>One HTTP attempt.</summary>
    [Range(0.1, 120)]
    public double AttemptTimeoutSeconds { get; set; } = 5;

    /// <summary>All attempts of one call (queries are retried; submits are not).</summary>
    [Range(0.1, 600)]
    public double TotalTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// Share of failed calls (over 30 s, at least 20 calls) that opens the circuit for 5 s. A supplier that loses one
    /// answer in five still credits; stopping all traffic to it then would only slow every order down.
    /// </summary>
    [Range(0.01, 1)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Requests per second we allow ourselves towards this supplier, per instance; 0 = no limit.</summary>
    [Range(0, 10_000)]
    public int RateLimitPerSecond { get; set; }
}
