namespace Fulfilment.SupplierSimulator;

/// <summary>
/// What goes wrong, per request, each with a probability from 0 to 1. Set over <c>PUT /admin/faults</c> or directly.
/// </summary>
public sealed record SupplierFaults
{
    public static readonly SupplierFaults None = new();

    /// <summary>Added to every answer.</summary>
    public int LatencyMilliseconds { get; init; }

    /// <summary>Credits, then drops the connection without answering (the caller times out or sees a reset).</summary>
    public double TimeoutAfterAccepting { get; init; }

    /// <summary>Answers 503 without crediting.</summary>
    public double ServerErrorBeforeCrediting { get; init; }

    /// <summary>Credits, then answers 500.</summary>
    public double ServerErrorAfterCrediting { get; init; }

    /// <summary>Answers pending; the credit succeeds after <see cref="PendingMilliseconds"/>.</summary>
    public double Pending { get; init; }

    /// <summary>Answers pending; the credit fails (nothing credited) after <see cref="PendingMilliseconds"/>.</summary>
    public double PendingThenFailed { get; init; }

    public int PendingMilliseconds { get; init; } = 500;

    /// <summary>Answers 429 with Retry-After, doing nothing.</summary>
    public double RateLimited { get; init; }

    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Status queries answer 429 with Retry-After.</summary>
    public double QueryRateLimited { get; init; }

    /// <summary>Status queries answer 503.</summary>
    public double QueryServerError { get; init; }

    /// <summary>Accounts that start with this are rejected as invalid (a permanent failure).</summary>
    public string InvalidAccountPrefix { get; init; } = "000";

    /// <summary>The faults the tests name, one kind at a time.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "none", "latency", "timeout-after-accepting", "server-error-before-crediting", "server-error-after-crediting",
        "pending", "pending-then-failed", "rate-limited", "query-server-error", "invalid-account",
    ];

    /// <summary>One named fault (see <see cref="Names"/>); invalid accounts are the caller's to send.</summary>
    public static SupplierFaults Named(string fault) => fault switch
    {
        "latency" => new SupplierFaults { LatencyMilliseconds = 300 },
        "timeout-after-accepting" => new SupplierFaults { TimeoutAfterAccepting = 1 },
        "server-error-before-crediting" => new SupplierFaults { ServerErrorBeforeCrediting = 0.5 },
        "server-error-after-crediting" => new SupplierFaults { ServerErrorAfterCrediting = 1 },
        "pending" => new SupplierFaults { Pending = 1, PendingMilliseconds = 400 },
        "pending-then-failed" => new SupplierFaults { PendingThenFailed = 1, PendingMilliseconds = 400 },
        "rate-limited" => new SupplierFaults { RateLimited = 0.5, RetryAfterSeconds = 1 },
        "query-server-error" => new SupplierFaults { ServerErrorAfterCrediting = 1, QueryServerError = 0.7 },
        _ => None,
    };

    /// <summary>A random mix of every fault, each at most a third of the time.</summary>
    public static SupplierFaults Random(Random random) => new()
    {
        LatencyMilliseconds = random.Next(0, 50),
        TimeoutAfterAccepting = random.NextDouble() * 0.3,
        ServerErrorBeforeCrediting = random.NextDouble() * 0.3,
        ServerErrorAfterCrediting = random.NextDouble() * 0.3,
        Pending = random.NextDouble() * 0.3,
        PendingThenFailed = random.NextDouble() * 0.2,
        PendingMilliseconds = random.Next(50, 500),
        RateLimited = random.NextDouble() * 0.2,
        QueryServerError = random.NextDouble() * 0.3,
    };
}
