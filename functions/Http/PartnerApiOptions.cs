using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Http;

/// <summary>The partner API's rate limits (section <c>PartnerApi</c>), per app instance.</summary>
internal sealed class PartnerApiOptions
{
    /// <summary>Requests per second of each authenticated partner.</summary>
    [Range(1, 100_000)]
    public int RequestsPerSecond { get; set; } = 50;

    /// <summary>Requests per second from each source address that fail to authenticate (partner API and payment webhooks).</summary>
    [Range(1, 100_000)]
    public int SourceRequestsPerSecond { get; set; } = 200;
}
