using System.Collections.Concurrent;

namespace Fulfilment.Suppliers;

/// <summary>
/// How each supplier has been doing, as this instance saw it: whether its circuit breaker was open at its last call,
/// and the verdicts of its recent calls (the last <see cref="Window"/>, at most <see cref="MostKept"/> calls per supplier). Kept in
/// memory: each instance answers for itself, and a restart starts afresh.
/// </summary>
internal sealed class SupplierHealth(TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public const int MostKept = 1000;

    private readonly ConcurrentDictionary<string, bool> circuitOpen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(DateTimeOffset At, SupplierVerdict Verdict)>> calls = new(StringComparer.Ordinal);

    public void Record(string supplier, SupplierOutcome outcome)
    {
        circuitOpen[supplier] = outcome.Reason == SupplierHttp.CircuitOpen;
        var queue = calls.GetOrAdd(supplier, _ => new ConcurrentQueue<(DateTimeOffset, SupplierVerdict)>());
        queue.Enqueue((clock.GetUtcNow(), outcome.Verdict));
        while (queue.Count > MostKept || (queue.TryPeek(out var oldest) && oldest.At < clock.GetUtcNow() - Window))
        {
            queue.TryDequeue(out _);
        }
    }

    /// <summary>The circuit at the last call (open: the call was not sent; closed; unknown before the first call) and the recent verdicts.</summary>
    public (string Circuit, IReadOnlyList<(SupplierVerdict Verdict, int Count)> Verdicts, DateTimeOffset? LastSucceededAt, DateTimeOffset? LastFailedAt) Report(string supplier)
    {
        var circuit = circuitOpen.TryGetValue(supplier, out var open) ? (open ? "open" : "closed") : "unknown";

        var since = clock.GetUtcNow() - Window;
        var recent = calls.TryGetValue(supplier, out var queue) ? queue.Where(c => c.At >= since).ToList() : [];
        return (
            circuit,
            recent.GroupBy(c => c.Verdict).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToList(),
            recent.Where(c => c.Verdict == SupplierVerdict.Succeeded).Select(c => (DateTimeOffset?)c.At).Max(),
            recent.Where(c => c.Verdict is not (SupplierVerdict.Succeeded or SupplierVerdict.Pending)).Select(c => (DateTimeOffset?)c.At).Max());
    }
}
