using System.Globalization;
using System.Threading.RateLimiting;
using Fulfilment.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace Fulfilment.Partners;

/// <summary>
/// Requests per second each partner may make to the partner API (every <c>/api/partners/{partnerId}/...</c> route),
/// per app instance; over it the answer is 429 with Retry-After. Setting <c>PartnerApi:RequestsPerSecond</c>.
/// </summary>
internal static class PartnerRateLimit
{
    public const string PolicyName = "partner";

    public static void AddTo(IServiceCollection services, IConfiguration configuration)
    {
        var perSecond = configuration.GetValue("PartnerApi:RequestsPerSecond", 50);
        if (perSecond < 1)
        {
            throw new InvalidOperationException("PartnerApi:RequestsPerSecond must be at least 1.");
        }

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await ApiResults.Error(StatusCodes.Status429TooManyRequests, "rate_limited",
                    $"At most {perSecond} requests per second per partner; retry after {retryAfter} s.").ExecuteAsync(context.HttpContext);
            };
            limiter.AddPolicy(PolicyName, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Request.RouteValues["partnerId"]?.ToString() ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perSecond, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 }));
        });
    }

    /// <summary>Partner API routes are the ones under <c>partners/{partnerId}</c>.</summary>
    public static bool AppliesTo(string route) => route.StartsWith("partners/{partnerId}", StringComparison.Ordinal);
}
