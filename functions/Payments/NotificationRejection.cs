namespace Fulfilment.Payments;

/// <summary>
/// Why a notification was not read into a paid order (a missing or wrong signature, a stale timestamp, an unknown
/// partner; or, verified, the problems of its body): a stable code, a message for the sender, and the problems found.
/// Whether it was verified is the reading's <see cref="NotificationReading.Credential"/>.
/// </summary>
internal sealed record NotificationRejection(string Code, string Message, IReadOnlyList<string>? Problems = null);
