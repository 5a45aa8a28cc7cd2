using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Fulfilment.Http;
using Microsoft.Extensions.Options;

namespace Fulfilment.Ops;

internal sealed class OpsOptions
{
    /// <summary>The ops credential, sent as <c>Authorization: Bearer &lt;key&gt;</c>; distinct from partner keys.</summary>
    [Required, MinLength(16)]
    public string ApiKey { get; set; } = "";

    /// <summary>How often one message may be replayed from a poison queue before replays refuse it.</summary>
    [Range(1, 100)]
    public int ReplayCap { get; set; } = 3;
}

/// <summary>Guards the ops endpoints.</summary>
internal sealed class OpsAuthentication(IOptions<OpsOptions> options)
{
    private readonly byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey));

    /// <summary>Null when the request carries the ops key, else the 401 to answer.</summary>
    public IResult? Challenge(HttpRequest request)
    {
        var token = ApiResults.BearerToken(request);
        var offered = SHA256.HashData(Encoding.UTF8.GetBytes(token ?? ""));
        return token is not null && CryptographicOperations.FixedTimeEquals(offered, expected)
            ? null
            : ApiResults.Unauthorized("An ops key is required: Authorization: Bearer <ops key>.");
    }
}
