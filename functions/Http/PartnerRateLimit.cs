using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Fulfilment.Http;

/// <summary>
/// Requests per second, per app instance, over which the answer is 429 with Retry-After:
/// <list type="bullet">
/// <item>each authenticated partner on the partner API (<c>PartnerApi:RequestsPerSecond</c>), counted only once the
/// caller is known, so nobody else's traffic spends a partner's budget;</item>
/// <item>each source address for what fails to authenticate: partner API requests without a valid API key, and payment
/// webhooks whose signature does not verify (<c>PartnerApi:SourceRequestsPerSecond</c>); once a source has spent it,
/// its unknown keys and partner ids are not even looked up. Correctly signed webhooks are never limited by source.</item>
/// </list>
/// Limiters exist per key only while in use (idle ones are dropped), so unknown ids and bad tokens grow nothing.
/// </summary>
internal sealed class PartnerRateLimit : IDisposable
{
    private readonly int perPartner;
    private readonly int perSource;
    private readonly PartitionedRateLimiter<string> partners;
    private readonly PartitionedRateLimiter<string> sources;

    public PartnerRateLimit(IOptions<PartnerApiOptions> options)
    {
        perPartner = options.Value.RequestsPerSecond;
        perSource = options.Value.SourceRequestsPerSecond;
        partners = PerSecond(perPartner);
        sources = PerSecond(perSource);
    }

    /// <summary>Null when the authenticated partner may go on, else the 429 to answer.</summary>
    public IResult? ThrottlePartner(string partnerId) => Throttle(partners, partnerId, $"At most {perPartner} requests per second per partner");

    /// <summary>Null when this source may go on with a request not authenticated yet, else the 429 to answer.</summary>
    public IResult? ThrottleSource(HttpContext context) =>
        Throttle(sources, SourceOf(context), $"At most {perSource} unauthenticated requests per second per source");

    /// <summary>Null while this source has budget left (nothing is spent by asking), else the 429 to answer.</summary>
    public IResult? IsSourceSpent(HttpContext context)
    {
        using var lease = sources.AttemptAcquire(SourceOf(context), 0);
        return lease.IsAcquired ? null : ThrottleSource(context);
    }

    /// <summary>
    /// The caller's address. Behind the Functions host (which forwards from loopback) it is the first X-Forwarded-For
    /// entry; a request straight from elsewhere cannot choose its own.
    /// </summary>
    public static string SourceOf(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is not null && IPAddress.IsLoopback(remote)
            && context.Request.Headers["X-Forwarded-For"].ToString().Split(',')[0].Trim() is { Length: > 0 } forwarded
            && IPAddress.TryParse(forwarded.Split(':')[0], out var client))
        {
            return client.ToString();
        }

        return remote?.ToString() ?? "unknown";
    }

    public void Dispose()
    {
        partners.Dispose();
        sources.Dispose();
    }

    private static IResult? Throttle(PartitionedRateLimiter<string> limiter, string key, string rule)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        return new Throttled(retryAfter, ApiResults.Error(StatusCodes.Status429TooManyRequests, "rate_limited", $"{rule}; retry after {retryAfter} s."));
    }

    private static PartitionedRateLimiter<string> PerSecond(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(
            key, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 }));

    /// <summary>A 429 with its Retry-After header.</summary>
    private sealed class Throttled(int retryAfterSeconds, IResult body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return body.ExecuteAsync(httpContext);
        }
    }
}
