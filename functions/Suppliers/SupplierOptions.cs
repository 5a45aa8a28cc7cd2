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

    /// <summary>
    /// generic-rest: the API key, sent as a Bearer token; dtone: the API key, the user name of HTTP Basic authentication.
    /// In Azure, a Key Vault reference in the app setting.
    /// </summary>
    public string ApiKey { get; set; } = "";

    /// <summary>dtone: the API secret, the password of HTTP Basic authentication. In Azure, a Key Vault reference.</summary>
    public string ApiSecret { get; set; } = "";

    /// <summary>reloadly: the OAuth2 client id.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>reloadly: the OAuth2 client secret. In Azure, a Key Vault reference.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>reloadly: where tokens are asked for (<c>POST {AuthUrl}oauth/token</c>).</summary>
    public Uri? AuthUrl { get; set; }

    /// <summary>reloadly: the audience tokens are asked for; by default the base URL without its trailing slash.</summary>
    public string? Audience { get; set; }

    /// <summary>reloadly-giftcards: the name on Reloadly's receipt of each gift card bought (its <c>senderName</c>).</summary>
    [StringLength(100, MinimumLength = 1)]
    public string SenderName { get; set; } = "Fulfilment";

    /// <summary>
    /// dtone: the public base URL of this app (for example <c>https://fulfil.example.com/</c>), to which DT One posts
    /// a transaction's final status; none = no callbacks, polling only.
    /// </summary>
    public Uri? CallbackBaseUrl { get; set; }

    /// <summary>dtone: the key that signs our callback URLs (at least 32 characters). In Azure, a Key Vault reference.</summary>
    public string CallbackSecret { get; set; } = "";

    /// <summary>dtone: create and confirm a transaction in one request; false = create, then confirm.</summary>
    public bool AutoConfirm { get; set; } = true;

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
