using System.Threading.RateLimiting;
using Fulfilment.Egress;
using Fulfilment.Suppliers.DtOne;
using Fulfilment.Suppliers.Reloadly;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Fulfilment.Suppliers;

/// <summary>The suppliers' part of the app: the directory of suppliers configured under <c>Suppliers:&lt;name&gt;</c>, and their HTTP clients.</summary>
internal static class SuppliersRegistration
{
    /// <summary>
    /// One HTTP client per supplier: attempt and total timeouts, a circuit breaker, an optional rate limit, and
    /// retries for queries only — a submit is never sent twice by the HTTP layer (it is not idempotent on the wire;
    /// our client reference is what makes a deliberate resubmit safe).
    /// </summary>
    public static IServiceCollection AddSuppliers(this IServiceCollection services, IConfiguration configuration, EgressOptions egress)
    {
        var allowPrivateNetworks = egress.AllowPrivateNetworks;
        services.AddSingleton<SupplierHealth>();
        services.AddSingleton<SupplierDirectory>();
        services.AddSingleton<IValidateOptions<SupplierOptions>, SupplierSettingsCheck>();
        services.AddSingleton<ReloadlyTokens>();
        services.AddSingleton<ISupplierProtocol, GenericRestProtocol>(); // the protocols the app speaks, by name
        services.AddSingleton<ISupplierProtocol, ReloadlyProtocol>();
        services.AddSingleton<ISupplierProtocol, DtOneProtocol>();
        services.AddSingleton<ISupplierProtocol, ReloadlyGiftCardProtocol>();
        services.AddHttpClient();
        foreach (var section in configuration.GetSection("Suppliers").GetChildren())
        {
            var name = section.Key;
            services.AddOptions<SupplierOptions>(name).Bind(section).ValidateDataAnnotations().ValidateOnStart();
            var supplier = section.Get<SupplierOptions>() ?? new SupplierOptions();
            var limiter = supplier.RateLimitPerSecond > 0
                ? new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
                {
                    TokenLimit = supplier.RateLimitPerSecond,
                    TokensPerPeriod = supplier.RateLimitPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = supplier.RateLimitPerSecond * 10,
                })
                : null;
            if (supplier.BaseUrl is { } baseUrl && OutboundHttp.CheckUrl(baseUrl, allowPrivateNetworks) is { } refused)
            {
                throw new InvalidOperationException($"Suppliers:{section.Key}:BaseUrl {refused}.");
            }

            if (supplier.AuthUrl is { } authUrl)
            {
                if (OutboundHttp.CheckUrl(authUrl, allowPrivateNetworks) is { } refusedAuth)
                {
                    throw new InvalidOperationException($"Suppliers:{section.Key}:AuthUrl {refusedAuth}.");
                }

                // Asking for a token changes nothing at the supplier: it is retried like a query.
                services.AddHttpClient(SupplierDirectory.AuthHttpClientName(section.Key), http =>
                    {
                        http.BaseAddress = authUrl;
                        http.Timeout = Timeout.InfiniteTimeSpan;
                        http.MaxResponseContentBufferSize = OutboundHttp.MaxResponseBytes;
                    })
                    .ConfigurePrimaryHttpMessageHandler(() => OutboundHttp.Handler(allowPrivateNetworks))
                    .AddStandardResilienceHandler(resilience =>
                    {
                        resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(supplier.AttemptTimeoutSeconds);
                        resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(Math.Max(supplier.TotalTimeoutSeconds, supplier.AttemptTimeoutSeconds));
                        resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(Math.Max(supplier.AttemptTimeoutSeconds * 2, 30));
                        resilience.Retry.MaxRetryAttempts = 2;
                        resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
                        resilience.Retry.ShouldRetryAfterHeader = false;
                        resilience.Retry.MaxDelay = TimeSpan.FromSeconds(2);
                    });
            }

            services.AddHttpClient(SupplierDirectory.HttpClientName(section.Key), http =>
                {
                    http.BaseAddress = supplier.BaseUrl;
                    http.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler owns timeouts
                    http.MaxResponseContentBufferSize = OutboundHttp.MaxResponseBytes; // a bigger answer is an unknown outcome
                })
                .ConfigurePrimaryHttpMessageHandler(() => OutboundHttp.Handler(allowPrivateNetworks))
                .AddStandardResilienceHandler(resilience =>
                {
                    var attempt = TimeSpan.FromSeconds(supplier.AttemptTimeoutSeconds);
                    resilience.AttemptTimeout.Timeout = attempt;
                    resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(Math.Max(supplier.TotalTimeoutSeconds, supplier.AttemptTimeoutSeconds));
                    resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(attempt.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                    resilience.CircuitBreaker.FailureRatio = supplier.CircuitBreakerFailureRatio;
                    resilience.CircuitBreaker.MinimumThroughput = 20;
                    resilience.Retry.MaxRetryAttempts = 2;
                    resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
                    resilience.Retry.DisableForUnsafeHttpMethods();
                    // A supplier's Retry-After is the app's to honour (capped, on a delayed queue message), never a
                    // thread's to sleep on: an absurd value must not hold a call or break the retry.
                    resilience.Retry.ShouldRetryAfterHeader = false;
                    resilience.Retry.MaxDelay = TimeSpan.FromSeconds(2);
                    if (limiter is not null)
                    {
                        resilience.RateLimiter.RateLimiter = args => limiter.AcquireAsync(1, args.Context.CancellationToken);
                    }
                });
        }

        return services;
    }
}
