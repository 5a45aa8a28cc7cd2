namespace Fulfilment.Storage;

/// <summary>How long a delayed queue message waits before the next try: one formula for every retry in the app.</summary>
internal static class RetryDelay
{
    /// <summary>
    /// Exponential from <paramref name="firstSeconds"/> (attempt 0), capped at <paramref name="maxSeconds"/>, with ±50%
    /// jitter so retries spread out; never shorter than <paramref name="atLeast"/> (a supplier's Retry-After).
    /// </summary>
    public static TimeSpan Exponential(double firstSeconds, double maxSeconds, int attempt, TimeSpan? atLeast = null)
    {
        var exponential = Math.Min(firstSeconds * Math.Pow(2, Math.Clamp(attempt, 0, 30)), maxSeconds);
        var jittered = exponential * (0.5 + Random.Shared.NextDouble());
        return TimeSpan.FromSeconds(Math.Max(jittered, atLeast?.TotalSeconds ?? 0));
    }
}
