using Polly.CircuitBreaker;
using Polly.RateLimiting;

namespace Fulfilment.Suppliers;

/// <summary>
/// One request to a supplier, with what cannot be an answer made explicit: our own circuit breaker or rate limiter
/// kept it from being sent (<see cref="SupplierVerdict.NotAccepted"/>), or it was sent and no answer came back
/// (<see cref="SupplierVerdict.Unknown"/>: timeouts, lost connections, and whatever a broken peer or a library throws).
/// </summary>
internal static class SupplierHttp
{
    /// <summary>The reason of a call our circuit breaker kept from being sent.</summary>
    public const string CircuitOpen = "not sent: the circuit breaker is open";

    public static async Task<(SupplierReply? Reply, SupplierOutcome? NoAnswer)> SendAsync(
        HttpClient http, HttpRequestMessage request, TimeProvider clock, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var retryAfter = response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date - clock.GetUtcNow());
            return (new SupplierReply(response.StatusCode, body, retryAfter), null);
        }
        catch (BrokenCircuitException)
        {
            return (null, new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: CircuitOpen));
        }
        catch (RateLimiterRejectedException e)
        {
            return (null, new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: "not sent: " + e.GetType().Name));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Sent or not, answered or not: only a query by our reference can tell.
            return (null, new SupplierOutcome(SupplierVerdict.Unknown, Reason: e.GetType().Name + ": " + e.Message));
        }
    }
}
