namespace Fulfilment.Contract;

/// <summary>One more API key for a partner, shown this once, and the id that names it afterwards.</summary>
public sealed record ApiKeyCreated(string PartnerId, string ApiKey, string KeyId);
