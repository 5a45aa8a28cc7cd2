namespace Fulfilment.Payments;

/// <summary>
/// Why a notification was not read into a paid order: it could not be verified (<see cref="Unverified"/>: a missing or
/// wrong signature, a stale timestamp, an unknown partner), or it was verified but is not a valid paid order (the
/// problems found). A stable code and a message for the sender.
/// </summary>
internal sealed record NotificationRejection(string Code, string Message, bool Unverified, IReadOnlyList<string>? Problems = null);
