namespace Fulfilment.Payments;

/// <summary>A notification as it arrived: its headers (by name, any case; empty when absent) and its raw body.</summary>
internal sealed record NotificationRequest(Func<string, string> Header, byte[] Body);
