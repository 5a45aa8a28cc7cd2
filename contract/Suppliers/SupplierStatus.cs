namespace Fulfilment.Contract;

/// <summary>
/// One supplier: its protocol and API, its circuit breaker at its last call (<c>open</c>: the call was not sent;
/// <c>closed</c>; <c>unknown</c> before its first call), its calls' verdicts over the window, and when it last credited and last
/// failed to (a verdict other than succeeded or pending).
/// </summary>
public sealed record SupplierStatus(
    string Name, string Protocol, string BaseUrl, string Circuit, IReadOnlyList<VerdictCount> Verdicts, DateTimeOffset? LastSucceededAt, DateTimeOffset? LastFailedAt);
