using System.Security.Cryptography;
using System.Text;
using Fulfilment.Ops;
using Microsoft.Extensions.Options;

namespace Fulfilment.Http;

/// <summary>Guards the ops endpoints (every route under <c>ops/</c>): the request must carry the ops key.</summary>
internal sealed class OpsKeyPolicy(IOptions<OpsOptions> options)
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
