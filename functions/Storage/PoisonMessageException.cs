namespace Fulfilment.Storage;

/// <summary>
/// Thrown by a queue function for a message that can never succeed (unparseable, refers to nothing).
/// The message goes to the poison queue at once with this reason instead of being retried pointlessly.
/// </summary>
internal sealed class PoisonMessageException(string reason) : Exception(reason);
