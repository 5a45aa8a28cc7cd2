namespace Fulfilment.Contract;

/// <summary>
/// One supplier: its protocol and API, its circuit breaker (<c>closed</c>, <c>open</c>, <c>half-open</c>, <c>isolated</c>,
/// or <c>unknown</c> before its first call), its calls' verdicts over the window, and when it last credited and last
/// failed to (a verdict other than succeeded or pending).
/// </summary>
public sealed record SupplierStatus(
    string Name, string Protocol, string BaseUrl, string Circuit, IReadOnlyList<VerdictCount> Verdicts, DateTimeOffset? LastSucceededAt, DateTimeOffset? LastFailedAt);
