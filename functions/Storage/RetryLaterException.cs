namespace Fulfilment.Storage;

/// <summary>
/// Thrown by a queue function when its message should simply be tried again later (another attempt changed the order
/// meanwhile, a lease was lost): an expected turn of events, not an error. The message fails this attempt and is retried
/// like any failure (and poisoned after the last), but it is logged at Information, without a stack trace.
/// </summary>
internal sealed class RetryLaterException(string reason) : Exception(reason);
