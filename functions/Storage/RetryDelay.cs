namespace Fulfilment.Storage;

/// <summary>How long a delayed queue message waits before the next try: one formula for every retry in the app.</summary>
internal static class RetryDelay
{
    /// <summary>The longest a queue message can be hidden (Storage queues refuse more than 7 days).</summary>
    public static readonly TimeSpan QueueMaximum = TimeSpan.FromDays(7);

    /// <summary>
    /// Exponential from <paramref name="firstSeconds"/> (attempt 0), capped at <paramref name="maxSeconds"/>, with ±50%
    /// jitter so retries spread out; never shorter than <paramref name="atLeast"/> (a supplier's Retry-After) unless that
    /// is longer than <paramref name="maxSeconds"/>: a peer's hint is honoured only up to our own cap, and a hint in the
    /// past or absurdly far ahead changes nothing.
    /// </summary>
    public static TimeSpan Exponential(double firstSeconds, double maxSeconds, int attempt, TimeSpan? atLeast = null)
    {
        var cap = Math.Clamp(maxSeconds, 0, QueueMaximum.TotalSeconds);
        var exponential = Math.Min(firstSeconds * Math.Pow(2, Math.Clamp(attempt, 0, 30)), cap);
        var jittered = exponential * (0.5 + Random.Shared.NextDouble());
        var hinted = Math.Clamp(atLeast?.TotalSeconds ?? 0, 0, cap);
        return TimeSpan.FromSeconds(Math.Clamp(Math.Max(jittered, hinted), 0, cap));
    }
}
