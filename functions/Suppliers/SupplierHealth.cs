using System.Collections.Concurrent;
using Polly.CircuitBreaker;

namespace Fulfilment.Suppliers;

/// <summary>
/// How each supplier has been doing, as this instance saw it: the state of its circuit breaker and the verdicts of
/// its recent calls (the last <see cref="Window"/>, at most <see cref="MostKept"/> calls per supplier). Kept in
/// memory: each instance answers for itself, and a restart starts afresh.
/// </summary>
internal sealed class SupplierHealth(TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public const int MostKept = 1000;

    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> circuits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(DateTimeOffset At, SupplierVerdict Verdict)>> calls = new(StringComparer.Ordinal);

    /// <summary>The state provider of the supplier's circuit breaker (given to its resilience pipeline once).</summary>
    public CircuitBreakerStateProvider CircuitOf(string supplier) => circuits.GetOrAdd(supplier, _ => new CircuitBreakerStateProvider());

    public void Record(string supplier, SupplierVerdict verdict)
    {
        var queue = calls.GetOrAdd(supplier, _ => new ConcurrentQueue<(DateTimeOffset, SupplierVerdict)>());
        queue.Enqueue((clock.GetUtcNow(), verdict));
        while (queue.Count > MostKept || (queue.TryPeek(out var oldest) && oldest.At < clock.GetUtcNow() - Window))
        {
            queue.TryDequeue(out _);
        }
    }

    /// <summary>The circuit's state (closed, open, half-open, isolated; unknown before its first call) and the recent verdicts.</summary>
    public (string Circuit, IReadOnlyList<(SupplierVerdict Verdict, int Count)> Verdicts, DateTimeOffset? LastSucceededAt, DateTimeOffset? LastFailedAt) Report(string supplier)
    {
        string circuit;
        try
        {
            circuit = circuits.TryGetValue(supplier, out var provider) ? provider.CircuitState.ToString().ToLowerInvariant() : "unknown";
        }
        catch (InvalidOperationException)
        {
            circuit = "unknown"; // the provider is attached when the supplier's HTTP client is first made
        }

        var since = clock.GetUtcNow() - Window;
        var recent = calls.TryGetValue(supplier, out var queue) ? queue.Where(c => c.At >= since).ToList() : [];
        return (
            circuit == "halfopen" ? "half-open" : circuit,
            recent.GroupBy(c => c.Verdict).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToList(),
            recent.Where(c => c.Verdict == SupplierVerdict.Succeeded).Select(c => (DateTimeOffset?)c.At).Max(),
            recent.Where(c => c.Verdict is not (SupplierVerdict.Succeeded or SupplierVerdict.Pending)).Select(c => (DateTimeOffset?)c.At).Max());
    }
}
