namespace Fulfilment.Suppliers.Reloadly;

/// <summary>Reloadly's error body: <c>{timeStamp, message, path, errorCode, infoLink, details}</c> (the fields we read).</summary>
internal sealed record ReloadlyError(string? Message, string? ErrorCode);
