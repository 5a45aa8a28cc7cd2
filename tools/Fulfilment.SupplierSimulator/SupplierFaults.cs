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
}
