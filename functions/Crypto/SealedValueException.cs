namespace Fulfilment.Crypto;

/// <summary>A sealed value failed authentication. Carries no key material.</summary>
internal sealed class SealedValueException(string message) : Exception(message);
