namespace Fulfilment.Suppliers.Reloadly;

/// <summary>No token could be had (wrong credentials, auth server down, a broken answer): nothing was sent.</summary>
internal sealed class ReloadlyTokenException(string message) : Exception(message);
