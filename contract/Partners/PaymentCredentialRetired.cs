namespace Fulfilment.Contract;

/// <summary>When the retired payment-provider credential stops verifying notifications.</summary>
public sealed record PaymentCredentialRetired(string PartnerId, string CredentialId, DateTimeOffset RetiresAt);
