namespace Fulfilment.Contract;

/// <summary>A provider's notification that was verified and needs nothing from us (another event type, a payment not completed yet): received, so it is not sent again.</summary>
public sealed record NotificationAcknowledged(bool Received, string Note);
